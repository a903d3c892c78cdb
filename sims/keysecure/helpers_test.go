package keysecure_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// runT is keysecure.RunT with every answer checked against its contract:
// the server validates each response as serve --validate does, and the
// test fails at the end if any journal entry carries a violation — so a
// response is checked however the test sent its request.
func runT(t *testing.T, opts ...keysecure.Option) *keysecure.Server {
	t.Helper()
	ks := keysecure.RunT(t, opts...)
	ks.CheckResponse = contracts.CheckResponse
	t.Cleanup(func() {
		for _, e := range ks.Journal.Entries() {
			if e.Type == "request" && e.Route != "" {
				assert.Empty(t, e.Violations, "%s %s answered %d: %s", e.Method, e.Path, e.Status, e.Response)
			}
		}
	})
	return ks
}

// call sends a request through the client and checks the answer against
// the route's contract (strict: no undeclared fields).
func call(t *testing.T, c *keysecure.Client, route, method, path string, body any) *keysecure.Response {
	t.Helper()
	resp, err := c.Do(context.Background(), method, path, body)
	require.NoError(t, err)
	checkContract(t, route, resp)
	return resp
}

func checkContract(t *testing.T, route string, resp *keysecure.Response) {
	t.Helper()
	id := contracts.ResponseSchema(keysecure.Name, route, resp.Status)
	require.NotEmpty(t, id, "no contract for %s status %d", route, resp.Status)
	contracts.Validate(t, id, resp.Body)
}

// mustOK calls and requires code 0.
func mustOK(t *testing.T, c *keysecure.Client, route, method, path string, body any, out any) {
	t.Helper()
	resp := call(t, c, route, method, path, body)
	require.Equal(t, http.StatusOK, resp.Status)
	require.Equal(t, 0, resp.Code, "%s: %s", route, resp.Msg)
	if out != nil {
		require.NoError(t, resp.Decode(out))
	}
}

// mustCode calls and requires a given error code.
func mustCode(t *testing.T, c *keysecure.Client, route, method, path string, body any, code int) *keysecure.Response {
	t.Helper()
	resp := call(t, c, route, method, path, body)
	require.Equal(t, code, resp.Code, "%s: want code %d, got %d %q", route, code, resp.Code, resp.Msg)
	return resp
}
