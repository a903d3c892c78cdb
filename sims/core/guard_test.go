package core

import (
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllowList(t *testing.T) {
	t.Parallel()
	var loop AllowList
	assert.True(t, loop.AllowsAddr("127.0.0.1:5000"))
	assert.True(t, loop.AllowsAddr("[::1]:5000"))
	assert.False(t, loop.AllowsAddr("10.0.0.1:5000"))
	a, err := ParseAllowList("10.0.0.0/8, 192.168.1.7")
	require.NoError(t, err)
	assert.True(t, a.AllowsAddr("10.9.9.9:1"))
	assert.True(t, a.AllowsAddr("192.168.1.7:1"))
	assert.False(t, a.AllowsAddr("127.0.0.1:1"), "an explicit list replaces the loopback default")
	anyone, _ := ParseAllowList("any")
	assert.True(t, anyone.Allows(httptest.NewRequest("GET", "/", nil)))
	_, err = ParseAllowList("not-an-ip")
	assert.ErrorContains(t, err, "want loopback, any")
}

func TestReplayGuard(t *testing.T) {
	t.Parallel()
	g := NewReplayGuard(10*time.Minute, 3)
	assert.True(t, g.Use("k:n1", t0))
	assert.False(t, g.Use("k:n1", t0.Add(time.Minute)), "a nonce is single-use")
	assert.True(t, g.Use("k:n1", t0.Add(11*time.Minute)), "until its TTL passes")
	for i := 0; i < 10; i++ {
		g.Use(string(rune('a'+i)), t0.Add(12*time.Minute))
	}
	assert.LessOrEqual(t, len(g.seen), 3, "bounded")
}

func TestRateLimiter(t *testing.T) {
	t.Parallel()
	l := NewRateLimiter(2, time.Minute)
	ok, _ := l.Allow("k", t0)
	assert.True(t, ok)
	ok, _ = l.Allow("k", t0.Add(time.Second))
	assert.True(t, ok)
	ok, retry := l.Allow("k", t0.Add(2*time.Second))
	assert.False(t, ok)
	assert.Equal(t, 58*time.Second, retry)
	ok, _ = l.Allow("other", t0)
	assert.True(t, ok, "keys are independent")
	ok, _ = l.Allow("k", t0.Add(time.Minute))
	assert.True(t, ok, "the window slides")
}

func TestIdemStore(t *testing.T) {
	t.Parallel()
	s := NewIdemStore(24 * time.Hour)
	req := IdemRequest{Method: "POST", Path: "/x", Body: []byte(`{"a":1}`)}
	resp, err := s.Claim("k", req, t0)
	require.NoError(t, err)
	assert.Nil(t, resp)
	_, err = s.Claim("k", req, t0)
	assert.ErrorIs(t, err, ErrIdemInFlight)
	s.Finish("k", IdemResponse{Status: 201, Body: []byte("first")})
	resp, err = s.Claim("k", req, t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, "first", string(resp.Body))
	_, err = s.Claim("k", IdemRequest{Method: "POST", Path: "/x", Body: []byte(`{"a":2}`)}, t0.Add(time.Hour))
	assert.ErrorIs(t, err, ErrIdemMismatch)
	resp, err = s.Claim("k", req, t0.Add(25*time.Hour))
	require.NoError(t, err)
	assert.Nil(t, resp, "keys expire after the TTL")
}

func TestFakerIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := NewFaker(7), NewFaker(7)
	assert.Equal(t, a.UUID(), b.UUID())
	pan := a.PAN("40963608", 16)
	assert.Equal(t, pan, b.PAN("40963608", 16))
	assert.True(t, LuhnValid(pan))
	assert.Len(t, pan, 16)
	state, err := a.MarshalBinary()
	require.NoError(t, err)
	next := a.UUID()
	c := NewFaker(1)
	require.NoError(t, c.UnmarshalBinary(state))
	assert.Equal(t, next, c.UUID(), "a restored faker resumes the same sequence")
	assert.Equal(t, "************4529", Mask("4382140000004529", 4))
}

func TestSnapshotWriteIsAtomic(t *testing.T) {
	t.Parallel()
	p := t.TempDir() + "/state.json"
	require.NoError(t, WriteFileAtomic(p, []byte("old")))
	require.NoError(t, WriteFileAtomic(p, []byte("new")))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "new", string(b))
}
