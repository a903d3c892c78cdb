package core

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// AllowList is a set of client address prefixes, for providers that bind
// credentials to an IP allow-list. The zero value allows loopback only,
// which is the default for every tenant.
type AllowList struct {
	prefixes []netip.Prefix
	any      bool
	set      bool
}

// ParseAllowList reads a comma-separated list of "loopback", "any",
// addresses and CIDR prefixes ("10.0.0.0/8, 192.168.1.7").
func ParseAllowList(s string) (AllowList, error) {
	var a AllowList
	a.set = true
	for _, part := range strings.Split(s, ",") {
		p := strings.TrimSpace(part)
		switch strings.ToLower(p) {
		case "":
			continue
		case "any", "*", "all":
			a.any = true
		case "loopback", "localhost":
			a.prefixes = append(a.prefixes, netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
		default:
			if pf, err := netip.ParsePrefix(p); err == nil {
				a.prefixes = append(a.prefixes, pf.Masked())
				continue
			}
			addr, err := netip.ParseAddr(p)
			if err != nil {
				return AllowList{}, fmt.Errorf("allow-list entry %q: want loopback, any, an IP address or a CIDR prefix", p)
			}
			a.prefixes = append(a.prefixes, netip.PrefixFrom(addr, addr.BitLen()))
		}
	}
	return a, nil
}

// Allows reports whether the request's client address is on the list.
func (a AllowList) Allows(r *http.Request) bool { return a.AllowsAddr(r.RemoteAddr) }

// AllowsAddr reports whether a "host:port" or bare address is on the list.
// A request without an address (an in-process test recorder uses
// "192.0.2.1:1234") is judged like any other.
func (a AllowList) AllowsAddr(remote string) bool {
	if a.any {
		return true
	}
	host := remote
	if h, _, err := net.SplitHostPort(remote); err == nil {
		host = h
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	if !a.set {
		return addr.IsLoopback()
	}
	for _, p := range a.prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// String renders the list in the form ParseAllowList reads.
func (a AllowList) String() string {
	if a.any {
		return "any"
	}
	if !a.set {
		return "loopback"
	}
	parts := make([]string, len(a.prefixes))
	for i, p := range a.prefixes {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

// MarshalText implements encoding.TextMarshaler.
func (a AllowList) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *AllowList) UnmarshalText(b []byte) error {
	v, err := ParseAllowList(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
