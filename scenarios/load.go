package scenarios

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/mocksrv/mocksrv/internal/adminclient"
)

// Loaded is what applying a given section created: the tenant, its
// credentials and every named object.
type Loaded struct {
	Scenario    string                       `json:"scenario"`
	Tenant      string                       `json:"tenant"`
	Credentials map[string]map[string]string `json:"credentials"`
	Objects     map[string]any               `json:"objects"`
}

// Load applies only the given section of a scenario to a tenant of the
// mocksrv at target (created when it does not exist; default "default"),
// to set up a QA environment for manual testing in an app.
func Load(ctx context.Context, sc *Scenario, target, tenant string, hc *http.Client, adminToken string) (*Loaded, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	return load(ctx, &admin{adminclient.New(target, adminToken, hc)}, sc, tenant)
}

// Loader is the sims.ScenarioLoader behind POST /_mocksrv/scenarios: it
// parses the body and applies its given section through the server's own
// admin API, in memory.
func Loader(ctx context.Context, h http.Handler, src []byte, tenant string) (any, error) {
	sc, err := Parse("request body", src)
	if err != nil {
		return nil, err
	}
	return load(ctx, &admin{adminclient.New("http://mocksrv.local", "", &http.Client{Transport: handlerTransport{h}})}, sc, tenant)
}

func load(ctx context.Context, a *admin, sc *Scenario, tenant string) (*Loaded, error) {
	if tenant == "" {
		tenant = sc.Tenant
	}
	if tenant == "" {
		tenant = "default"
	}
	var info map[string]json.RawMessage
	err := a.do(ctx, http.MethodGet, a.tenantPath(tenant), nil, &info)
	if err != nil {
		if err2 := a.do(ctx, http.MethodPost, "/_mocksrv/tenants", tenantRequest(sc, tenant, nil), &info); err2 != nil {
			return nil, optionsError(sc, errors.Join(err, err2))
		}
	}
	if sc.Clock != nil {
		body := map[string]any{}
		if sc.Clock.Set != "" {
			body["set"] = sc.Clock.Set
		}
		if sc.Clock.Freeze != nil {
			body["freeze"] = *sc.Clock.Freeze
		}
		if sc.Clock.Advance != "" {
			body["advance"] = sc.Clock.Advance
		}
		if err := a.do(ctx, http.MethodPost, a.tenantPath(tenant, "clock"), body, nil); err != nil {
			return nil, err
		}
	}
	vars := map[string]any{"tenant": tenant}
	if err := applyGiven(ctx, a, tenant, sc, vars); err != nil {
		return nil, err
	}
	delete(vars, "tenant")
	return &Loaded{Scenario: sc.Name, Tenant: tenant, Credentials: credsOf(info), Objects: vars}, nil
}
