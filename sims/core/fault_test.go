package core

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	fs := NewFaults()
	_, err := fs.Add(Fault{Provider: "p", Route: "card.list", Nth: 2, Status: 502})
	require.NoError(t, err)
	assert.Nil(t, fs.Match("t", "p", "card.list", "POST", false), "first call passes")
	assert.Nil(t, fs.Match("t", "p", "card.detail", "GET", false), "other routes never match")
	hit := fs.Match("t", "p", "card.list", "POST", false)
	require.NotNil(t, hit, "second call fails")
	assert.Equal(t, 502, hit.Status)
	assert.Nil(t, fs.Match("t", "p", "card.list", "POST", false), "nth fires once")
	assert.True(t, fs.List()[0].Spent)

	fs.FailNext("card.freeze", KindUnavailable)
	hit = fs.Match("x", "q", "card.freeze", "POST", false)
	require.NotNil(t, hit)
	assert.Equal(t, KindUnavailable, hit.Error.Kind)
	assert.Nil(t, fs.Match("x", "q", "card.freeze", "POST", false))

	_, _ = fs.Add(Fault{Tenant: "t1", Webhook: true, Drop: true, Times: 2})
	assert.Nil(t, fs.Match("t2", "p", "e", "POST", true))
	assert.Nil(t, fs.Match("t1", "p", "e", "POST", false), "webhook rules never match requests")
	assert.NotNil(t, fs.Match("t1", "p", "e", "POST", true))
	assert.NotNil(t, fs.Match("t1", "p", "e", "POST", true))
	assert.Nil(t, fs.Match("t1", "p", "e", "POST", true), "times bounds firing")

	byMethod := NewFaults()
	_, _ = byMethod.Add(Fault{Tenant: "t", Method: "get", RateLimit: true})
	assert.Nil(t, byMethod.Match("t", "p", "card.list", "POST", false), "another method passes")
	assert.Nil(t, byMethod.Match("u", "p", "card.detail", "GET", false), "another tenant passes")
	assert.NotNil(t, byMethod.Match("t", "p", "card.detail", "GET", false), "methods match case-insensitively")
}

func TestFaultValidate(t *testing.T) {
	t.Parallel()
	bad := []Fault{
		{},
		{Status: 502, Drop: true},
		{Status: 42},
		{Delay: Duration(time.Hour)},
		{Duplicate: true},
		{Nth: -1, Drop: true},
	}
	for _, f := range bad {
		assert.Error(t, f.Validate(), "%+v", f)
	}
	assert.NoError(t, (&Fault{Delay: Duration(2 * time.Second)}).Validate())
}

func TestFaultJSON(t *testing.T) {
	t.Parallel()
	var f Fault
	require.NoError(t, json.Unmarshal([]byte(`{"provider":"keysecure","route":"card.list","delay":"1.5s","error":{"kind":"not_found","code":"4001"}}`), &f))
	assert.Equal(t, 1500*time.Millisecond, f.Delay.D())
	assert.Equal(t, KindNotFound, f.Error.Kind)
	require.NoError(t, json.Unmarshal([]byte(`{"delay":250}`), &f))
	assert.Equal(t, 250*time.Millisecond, f.Delay.D())
	assert.Error(t, json.Unmarshal([]byte(`{"error":{"kind":"boom"}}`), &f))
}
