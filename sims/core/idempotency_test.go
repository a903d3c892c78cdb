package core

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIdemStoreComparesJSONAsValues(t *testing.T) {
	t.Parallel()
	s := NewIdemStore(time.Hour)
	req := func(body string) IdemRequest { return IdemRequest{Method: "POST", Path: "/cards", Body: []byte(body)} }
	first := req(`{"amount":1.5,"card":{"currency":"USD","id":"c1"},"tags":["a","b"]}`)
	prev, err := s.Claim("k", first, TestEpoch)
	require.NoError(t, err)
	require.Nil(t, prev, "a new key is the caller's")
	s.Finish("k", IdemResponse{Status: 201, Body: []byte(`{"id":"c1"}`)})

	same := req("{\n  \"tags\": [\"a\", \"b\"],\n  \"card\": {\"id\": \"c1\", \"currency\": \"USD\"},\n  \"amount\": 1.50\n}")
	prev, err = s.Claim("k", same, TestEpoch.Add(time.Minute))
	require.NoError(t, err, "key order, whitespace and 1.5 vs 1.50 do not matter")
	require.NotNil(t, prev)
	assert.Equal(t, `{"id":"c1"}`, string(prev.Body), "the first answer, byte for byte")

	tests := []struct {
		name, body, field string
	}{
		{"a value", `{"amount":2,"card":{"currency":"USD","id":"c1"},"tags":["a","b"]}`, "amount"},
		{"a nested value", `{"amount":1.5,"card":{"currency":"SGD","id":"c1"},"tags":["a","b"]}`, "card.currency"},
		{"an array element", `{"amount":1.5,"card":{"currency":"USD","id":"c1"},"tags":["a","c"]}`, "tags[1]"},
		{"a missing field", `{"amount":1.5,"card":{"currency":"USD","id":"c1"}}`, "tags"},
		{"not JSON", `amount=1.5`, "body"},
	}
	for _, tt := range tests {
		_, err := s.Claim("k", req(tt.body), TestEpoch.Add(time.Minute))
		var c *IdemConflict
		require.True(t, errors.As(err, &c), tt.name)
		assert.Equal(t, tt.field, c.Field, tt.name)
		assert.Equal(t, "k", c.Key)
		assert.ErrorIs(t, err, ErrIdemMismatch)
	}
	_, err = s.Claim("k", IdemRequest{Method: "POST", Path: "/other", Body: first.Body}, TestEpoch.Add(time.Minute))
	assert.ErrorContains(t, err, "(path differs)")

	prev, err = s.Claim("k", req(`{"other":true}`), TestEpoch.Add(time.Hour))
	require.NoError(t, err, "after the TTL the key is free again")
	assert.Nil(t, prev)
	_, err = s.Claim("k", req(`{"other":true}`), TestEpoch.Add(time.Hour))
	assert.ErrorIs(t, err, ErrIdemInFlight)
}

func TestIdemStoreIsBoundedInBytes(t *testing.T) {
	t.Parallel()
	s := NewIdemStore(time.Hour)
	s.MaxBytes = 64 << 10
	body := make([]byte, 1024)
	for i := range body {
		body[i] = 'x'
	}
	for i := 0; i < 1000; i++ {
		key := string(rune('a'+i%26)) + string(rune('0'+i/26))
		_, err := s.Claim(key, IdemRequest{Body: body}, TestEpoch)
		require.NoError(t, err)
		s.Finish(key, IdemResponse{Status: 200, Body: body})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	assert.LessOrEqual(t, s.bytes, s.MaxBytes, "oldest keys are forgotten past the budget")
	assert.Greater(t, len(s.m), 10, "recent keys are kept")
	assert.LessOrEqual(t, len(s.order), 2*len(s.m)+64)
}

func TestIdemStoreDoBody(t *testing.T) {
	t.Parallel()
	s := NewIdemStore(time.Hour)
	post := func(body string) *http.Request {
		return httptest.NewRequest(http.MethodPost, "/cards", strings.NewReader(body))
	}
	runs := 0
	bad := errors.New("refused")
	answer := func(fail bool) func() ([]byte, error) {
		return func() ([]byte, error) {
			runs++
			if fail {
				return nil, bad
			}
			return []byte(`{"id":"c` + strconv.Itoa(runs) + `"}`), nil
		}
	}
	_, failed, err := s.DoBody("k", post(`{"n":1}`), TestEpoch, answer(true))
	require.NoError(t, err)
	assert.Equal(t, bad, failed, "the handler's error comes back")
	resp, failed, err := s.DoBody("k", post(`{"n":1}`), TestEpoch, answer(false))
	require.NoError(t, err)
	require.NoError(t, failed)
	assert.Equal(t, IdemResponse{Status: http.StatusOK, Body: []byte(`{"id":"c2"}`)}, resp, "a failure is never kept: the retry runs")
	resp, _, err = s.DoBody("k", post(`{ "n": 1 }`), TestEpoch, answer(false))
	require.NoError(t, err)
	assert.Equal(t, `{"id":"c2"}`, string(resp.Body), "the same request replays the first answer")
	assert.Equal(t, 2, runs)
	_, _, err = s.DoBody("k", post(`{"n":2}`), TestEpoch, answer(false))
	var c *IdemConflict
	require.ErrorAs(t, err, &c)
	assert.Equal(t, "n", c.Field)
}
