package scenarios

import (
	"context"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
)

// Runner is the sims.ScenarioRunner behind GET /_mocksrv/scenarios (the
// library) and POST /_mocksrv/scenarios/run: a running mocksrv runs a
// scenario against itself and answers its Result, a verdict per step. The
// binary wires it in (sims.WithScenarioRunner(scenarios.Runner)).
var Runner = sims.ScenarioRunner{
	Library: func() (any, error) { return List() },
	Run:     runServed,
}

// runServed runs the library scenario name, or the file src, against the
// Fleet whose handler h is: on a loopback listener of its own for the
// run, so that the scenario's calls (timeouts, dropped connections) go
// over the network as a client's would, its admin calls with adminToken.
// The tenant is kept afterwards, for the console or the admin API to show
// what the run left.
func runServed(ctx context.Context, h http.Handler, name string, src []byte, tenant, adminToken string) (any, error) {
	var sc *Scenario
	var err error
	if name != "" {
		if sc, err = FromLibrary(name); err != nil {
			return nil, &core.Error{Kind: core.KindNotFound, Message: err.Error()}
		}
	} else if sc, err = Parse("upload.yaml", src); err != nil { // named "upload" unless it says
		return nil, err
	}
	if tenant != "" {
		sc.Tenant = tenant
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	return RunScenario(ctx, sc, Options{Target: srv.URL, AdminToken: adminToken, Keep: true, HTTP: &http.Client{Timeout: 10 * time.Second}}), nil
}
