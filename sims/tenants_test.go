package sims_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
)

// TestProviderTenantErrors pins, for every provider, the errors of adding,
// resetting and restoring tenants: worded with the provider's name and the
// credential its requests carry.
func TestProviderTenantErrors(t *testing.T) {
	t.Parallel()
	f, err := sims.NewFleet()
	require.NoError(t, err)
	fixed := map[string]string{ // the same fixed credentials for two tenants
		"bkj":       `{"api_key":"same","api_secret":"0123456789abcdef"}`,
		"keysecure": `{"api_key":"same","api_secret":"0123456789abcdef"}`,
		"uqpay":     `{"client_id":"same","api_key":"0123456789abcdef"}`,
		"decard":    `{"api_key":"same","api_secret":"0123456789abcdef"}`,
	}
	keyName := map[string]string{"bkj": "api_key", "keysecure": "api_key", "uqpay": "client_id", "decard": "api_key"}
	for _, p := range f.Providers() {
		name := p.Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tenant := func(id string) *core.Tenant {
				return &core.Tenant{ID: id, Seed: 1, Clock: core.NewFrozenClock(core.TestEpoch)}
			}
			a, b := tenant("errs-a"), tenant("errs-b")

			_, err := p.AddTenant(a, json.RawMessage(fixed[name]))
			require.NoError(t, err)
			_, err = p.AddTenant(b, json.RawMessage(fixed[name]))
			assert.EqualError(t, err, name+": "+keyName[name]+` "same" is already used by another tenant`)
			_, err = p.AddTenant(a, nil)
			assert.EqualError(t, err, name+`: tenant "errs-a" already exists`)
			assert.EqualError(t, p.ResetTenant("errs-nobody"), name+`: no tenant "errs-nobody"`)

			_, err = p.AddTenant(b, json.RawMessage(`{"nope":1}`))
			assert.EqualError(t, err, name+` options: json: unknown field "nope"`)
			_, err = p.AddTenant(b, json.RawMessage(`{} {}`))
			assert.EqualError(t, err, name+" options: one JSON object expected")

			_, err = p.AddTenant(b, nil)
			require.NoError(t, err)
			credsB, ok := p.Credentials("errs-b")
			require.True(t, ok)
			snapA, err := p.Snapshot("errs-a")
			require.NoError(t, err)
			err = p.Restore(b, snapA)
			assert.EqualError(t, err, name+": restore errs-b: "+keyName[name]+" already used by tenant errs-a")
			got, ok := p.Credentials("errs-b")
			require.True(t, ok)
			assert.Equal(t, credsB, got, "a refused restore leaves the tenant as it was")
			again, err := json.Marshal(credsB) // credentials read back as options
			require.NoError(t, err)
			_, err = p.AddTenant(tenant("errs-c"), again)
			assert.ErrorContains(t, err, "is already used by another tenant", "errs-b's credential stays its own")
		})
	}
}

// TestAdminCreateBlankBody pins one strict decoder for every provider's
// admin bodies: a body of only whitespace is an empty object (every field
// filled from the faker), never a parse error on one provider only.
func TestAdminCreateBlankBody(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	kinds := map[string]string{"bkj": "cards", "keysecure": "cardholders", "uqpay": "cardholders", "decard": "users"}
	for _, p := range f.Providers() {
		name := p.Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/"+name+"/"+kinds[name], " \n\t ", http.StatusCreated, nil)
		})
	}
}
