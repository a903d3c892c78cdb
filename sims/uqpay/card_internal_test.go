package uqpay

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
)

func TestRequestStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from     CardStatus
		to       CardStatus
		want     CardStatus
		wantCode string
	}{
		{name: "freeze an active card", from: StatusActive, to: StatusFrozen, want: StatusFrozen},
		{name: "unfreeze", from: StatusFrozen, to: StatusActive, want: StatusActive},
		{name: "cancel an active card goes to pre-cancel", from: StatusActive, to: StatusCancelled, want: StatusPreCancel},
		{name: "cancel a frozen card goes to pre-cancel", from: StatusFrozen, to: StatusCancelled, want: StatusPreCancel},
		{name: "already active", from: StatusActive, to: StatusActive, wantCode: "card_status_invalid"},
		{name: "already frozen", from: StatusFrozen, to: StatusFrozen, wantCode: "card_status_invalid"},
		{name: "pending cannot change", from: StatusPending, to: StatusActive, wantCode: "card_status_invalid"},
		{name: "blocked is uqpay's", from: StatusBlocked, to: StatusActive, wantCode: "card_status_invalid"},
		{name: "pre-cancel cannot be reactivated", from: StatusPreCancel, to: StatusActive, wantCode: "card_status_invalid"},
		{name: "cancelled is terminal", from: StatusCancelled, to: StatusActive, wantCode: "card_status_invalid"},
		{name: "failed is terminal", from: StatusFailed, to: StatusFrozen, wantCode: "card_status_invalid"},
		{name: "blocked is not a merchant target", from: StatusActive, to: StatusBlocked, wantCode: "invalid_request_error"},
		{name: "pre-cancel is not a merchant target", from: StatusActive, to: StatusPreCancel, wantCode: "invalid_request_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := requestStatus(tt.from, tt.to)
			if tt.wantCode != "" {
				require.Error(t, err)
				assert.Equal(t, tt.wantCode, core.AsError(err).Code)
				assert.NotEmpty(t, core.AsError(err).Message)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCardActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from     CardStatus
		action   string
		want     CardStatus
		wantKind core.Kind
	}{
		{name: "freeze", from: StatusActive, action: "freeze", want: StatusFrozen},
		{name: "unfreeze", from: StatusFrozen, action: "unfreeze", want: StatusActive},
		{name: "block", from: StatusActive, action: "block", want: StatusBlocked},
		{name: "unblock", from: StatusBlocked, action: "unblock", want: StatusActive},
		{name: "cancel", from: StatusActive, action: "cancel", want: StatusPreCancel},
		{name: "expire", from: StatusFrozen, action: "expire", want: StatusCancelled},
		{name: "lost", from: StatusActive, action: "lost", want: StatusLost},
		{name: "stolen", from: StatusActive, action: "stolen", want: StatusStolen},
		{name: "freeze a frozen card", from: StatusFrozen, action: "freeze", wantKind: core.KindConflict},
		{name: "unfreeze a cancelled card", from: StatusCancelled, action: "unfreeze", wantKind: core.KindConflict},
		{name: "unknown action", from: StatusActive, action: "shred", wantKind: core.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := New(WithSeed(3), WithClock(core.NewFrozenClock(productsCreated)))
			require.NoError(t, err)
			c, err := s.AddCard(Card{Status: tt.from})
			require.NoError(t, err)
			err = s.act(c.ID, tt.action)
			if tt.wantKind != core.KindInternal {
				require.Error(t, err)
				assert.Equal(t, tt.wantKind, core.KindOf(err))
				return
			}
			require.NoError(t, err)
			got, _ := s.Card(c.ID)
			assert.Equal(t, tt.want, got.Status)
		})
	}
}

func TestConvert(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		amount         string
		from, to, want string
		wantOK         bool
	}{
		{name: "same currency", amount: "10.00", from: "USD", to: "USD", want: "10", wantOK: true},
		{name: "usd to sgd", amount: "10", from: "USD", to: "SGD", want: "13.5", wantOK: true},
		{name: "sgd to usd rounds to cents", amount: "1", from: "SGD", to: "USD", want: "0.74", wantOK: true},
		{name: "unknown currency", amount: "1", from: "XYZ", to: "USD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := convert(core.MustDecimal(tt.amount), tt.from, tt.to)
			require.Equal(t, tt.wantOK, ok)
			if ok {
				assert.Equal(t, tt.want, got.String())
			}
		})
	}
}
