package core

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

type testAccount struct{ ID string }

type testScope string

// TestBindValue: a bound value is read back by its type alone, another
// type's value does not shadow it, a second bind of the same type replaces
// the first, and an unbound type reads as its zero value.
func TestBindValue(t *testing.T) {
	t.Parallel()
	call := &Call{}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r = r.WithContext(WithCall(r.Context(), call))

	assert.Nil(t, ValueOf[*testAccount](r), "nothing bound yet")
	assert.Equal(t, testScope(""), ValueOf[testScope](r))

	master := &testAccount{ID: "master"}
	BindValue(r, master)
	BindValue(r, testScope("issuing"))
	assert.Same(t, master, ValueOf[*testAccount](r))
	assert.Equal(t, testScope("issuing"), ValueOf[testScope](r))

	sub := &testAccount{ID: "sub"}
	BindValue(r, sub)
	assert.Same(t, sub, ValueOf[*testAccount](r), "a second bind of a type replaces the first")
	assert.Len(t, call.values, 2, "one value per type")
	assert.Equal(t, testAccount{}, ValueOf[testAccount](r), "a pointer and its element type are different types")
}

// TestBindValueOutsideChain: without the middleware's Call there is
// nowhere to keep a value; reading it is the zero value, not a panic.
func TestBindValueOutsideChain(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	BindValue(r, &testAccount{ID: "lost"})
	assert.Nil(t, ValueOf[*testAccount](r))
}
