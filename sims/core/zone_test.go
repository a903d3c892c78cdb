package core

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseZone(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in     string
		name   string
		offset int
	}{
		{"UTC", "UTC", 0},
		{"gmt", "UTC", 0},
		{"Z", "UTC", 0},
		{"UTC+8", "UTC+8", 8 * 3600},
		{"GMT-05:30", "UTC-05:30", -(5*3600 + 30*60)},
		{"+08:00", "UTC+08:00", 8 * 3600},
		{"utc+0930", "UTC+0930", 9*3600 + 30*60},
		{"Asia/Shanghai", "Asia/Shanghai", 8 * 3600},
	} {
		loc, err := ParseZone(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.name, loc.String(), tt.in)
		_, off := at.In(loc).Zone()
		assert.Equal(t, tt.offset, off, tt.in)
	}
	for _, tt := range []struct {
		in   string
		want error
	}{
		{"UTC+15", ErrZoneOffset},
		{"UTC+8:60", ErrZoneOffset},
		{"", ErrZoneName},
		{"Mars/Base", ErrZoneName},
		{"../../etc/passwd", ErrZoneName},
		{"/etc/localtime", ErrZoneName},
	} {
		_, err := ParseZone(tt.in)
		assert.ErrorIs(t, err, tt.want, tt.in)
	}
}

// A loaded IANA zone is the same *time.Location the next time.
func TestParseZoneCachesIANA(t *testing.T) {
	t.Parallel()
	a, err := ParseZone("America/New_York")
	require.NoError(t, err)
	b, err := ParseZone("America/New_York")
	require.NoError(t, err)
	assert.Same(t, a, b)
}
