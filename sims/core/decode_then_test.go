package core

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodeThen: a body reaches f decoded, f's answer and error come back
// as they are, and a body DecodeStrict refuses never reaches f.
func TestDecodeThen(t *testing.T) {
	t.Parallel()
	type card struct {
		ID string `json:"id"`
	}
	called := 0
	add := func(c card) (card, error) {
		called++
		if c.ID == "taken" {
			return c, errors.New("card taken already exists")
		}
		c.ID += "!"
		return c, nil
	}
	v, err := DecodeThen([]byte(`{"id":"c1"}`), add)
	require.NoError(t, err)
	assert.Equal(t, card{ID: "c1!"}, v)

	v, err = DecodeThen([]byte(" \n"), add)
	require.NoError(t, err, "a blank body is the zero value")
	assert.Equal(t, card{ID: "!"}, v)

	_, err = DecodeThen([]byte(`{"id":"taken"}`), add)
	assert.EqualError(t, err, "card taken already exists")

	_, err = DecodeThen([]byte(`{"colour":"red"}`), add)
	require.Error(t, err)
	assert.Equal(t, KindInvalid, AsError(err).Kind)
	assert.Contains(t, err.Error(), "colour")
	assert.Equal(t, 3, called, "a refused body never reaches f")
}
