package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecision: approve and reject read as such, a missing reason is the
// default, anything else is refused naming what was decided; an embedding
// body decodes strictly with the decision's fields promoted.
func TestDecision(t *testing.T) {
	t.Parallel()
	approve, reason, err := Decision{Decision: "approve"}.Verdict("kyc", "Rejected by platform")
	require.NoError(t, err)
	assert.True(t, approve)
	assert.Equal(t, "Rejected by platform", reason)

	approve, reason, err = Decision{Decision: "reject", Reason: "blurry passport"}.Verdict("kyc", "Rejected by platform")
	require.NoError(t, err)
	assert.False(t, approve)
	assert.Equal(t, "blurry passport", reason)

	_, _, err = Decision{Decision: "maybe"}.Verdict("deposit", "x")
	require.Error(t, err)
	assert.Equal(t, KindInvalid, AsError(err).Kind)
	assert.Contains(t, err.Error(), `deposit decision must be "approve" or "reject"`)

	var body struct {
		DepositID string `json:"deposit_id"`
		Decision
	}
	require.NoError(t, DecodeStrict([]byte(`{"deposit_id":"d1","decision":"reject","reason":"r"}`), &body))
	assert.Equal(t, "d1", body.DepositID)
	assert.Equal(t, Decision{"reject", "r"}, body.Decision)
	assert.Error(t, DecodeStrict([]byte(`{"deposit_id":"d1","verdict":"approve"}`), &body))
}
