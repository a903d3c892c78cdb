package core

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Errors of ParseZone, for the provider to word in its envelope.
var (
	ErrZoneOffset = errors.New("time zone offset out of range")
	ErrZoneName   = errors.New("not a time zone")
)

var utcOffset = regexp.MustCompile(`^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$`)

// ParseZone reads a time zone as providers' Timezone headers name one:
// "UTC", "GMT", "Z", an offset ("UTC+8", "GMT-05:30", "+08:00"), or an
// IANA name like "Asia/Shanghai". An offset's zone is named "UTC" and the
// offset as written ("UTC+8"). It fails with ErrZoneOffset for an offset
// beyond ±14:59 and ErrZoneName for anything else it cannot read.
func ParseZone(v string) (*time.Location, error) {
	switch strings.ToUpper(v) {
	case "UTC", "GMT", "Z":
		return time.UTC, nil
	}
	if m := utcOffset.FindStringSubmatch(strings.ToUpper(v)); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins := 0
		if m[3] != "" {
			mins, _ = strconv.Atoi(m[3])
		}
		if h > 14 || mins > 59 {
			return nil, ErrZoneOffset
		}
		off := h*3600 + mins*60
		if m[1] == "-" {
			off = -off
		}
		return time.FixedZone("UTC"+v[strings.IndexAny(v, "+-"):], off), nil
	}
	if v != "" {
		if loc, err := loadZone(v); err == nil {
			return loc, nil
		}
	}
	return nil, ErrZoneName
}

// maxZones bounds the cache of loaded IANA zones.
const maxZones = 1024

var (
	zonesMu sync.RWMutex
	zones   = map[string]*time.Location{} // IANA name → zone, as loaded
)

// loadZone is time.LoadLocation, which reads the zone database on every
// call, remembering what it loaded: a provider parses a request's
// Timezone header wherever it renders a time.
func loadZone(name string) (*time.Location, error) {
	zonesMu.RLock()
	loc, ok := zones[name]
	zonesMu.RUnlock()
	if ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zonesMu.Lock()
	if len(zones) < maxZones {
		zones[name] = loc
	}
	zonesMu.Unlock()
	return loc, nil
}
