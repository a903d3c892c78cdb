package sims_test

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims"
)

// TestSurfaceParity checks, for every provider, that the simulator's named
// routes and the operations of its OpenAPI document match one to one:
// same names (operationId = route name), methods and path templates.
func TestSurfaceParity(t *testing.T) {
	t.Parallel()
	f, err := sims.NewFleet()
	require.NoError(t, err)
	var names []string
	for _, p := range f.Providers() {
		names = append(names, p.Name())
	}
	require.Equal(t, sims.AllProviders, names, "every provider is checked, uqpay included")
	for _, p := range f.Providers() {
		t.Run(p.Name(), func(t *testing.T) {
			t.Parallel()
			doc, err := contracts.Document(p.Name())
			require.NoError(t, err)
			want := map[string]string{}
			for _, o := range doc.Operations {
				want[o.ID] = strings.ToUpper(o.Method) + " " + o.Path
			}
			got := map[string]string{}
			for _, rt := range p.Routes() {
				require.NotEmpty(t, rt.Name, "every route is named: %s %s", rt.Method, rt.Path)
				require.NotEmpty(t, rt.Method, "route %s has a method", rt.Name)
				_, dup := got[rt.Name]
				require.False(t, dup, "route name %s used twice", rt.Name)
				got[rt.Name] = rt.Method + " " + rt.Path
			}
			require.NotEmpty(t, want, "%s: the OpenAPI document has operations", p.Name())
			assert.Equal(t, keys(want), keys(got), "operationIds vs route names")
			for name, w := range want {
				if g, ok := got[name]; ok {
					assert.Equal(t, w, g, "route %s", name)
				}
			}
		})
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestWrongMethodIsNotAllowed calls every path with a method no route on
// that path takes and expects 405 in the provider's own shape, never a 404
// or a 200.
func TestWrongMethodIsNotAllowed(t *testing.T) {
	t.Parallel()
	f, err := sims.NewFleet()
	require.NoError(t, err)
	for _, p := range f.Providers() {
		served := map[string]map[string]bool{} // path template → methods
		for _, rt := range p.Routes() {
			if served[rt.Path] == nil {
				served[rt.Path] = map[string]bool{}
			}
			served[rt.Path][rt.Method] = true
		}
		for tpl, methods := range served {
			wrong := ""
			for _, m := range []string{http.MethodPatch, http.MethodPut, http.MethodDelete, http.MethodPost, http.MethodGet} {
				if !methods[m] {
					wrong = m
					break
				}
			}
			path := strings.NewReplacer("{", "", "}", "").Replace(tpl)
			rec := httptest.NewRecorder()
			f.Handler().ServeHTTP(rec, httptest.NewRequest(wrong, path, nil))
			assert.Equal(t, http.StatusMethodNotAllowed, rec.Code, "%s %s %s", p.Name(), wrong, tpl)
		}
	}
}
