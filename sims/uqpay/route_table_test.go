package uqpay_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestSDKRouteTable keeps docs/uqpay.md "Every route the official SDKs
// call" true: each row marked served is one route of the server (and every
// route but mocksrv's own is a row), every test it names exists here, each
// route the Node SDK calls names a test that calls it the Node SDK's way,
// and the counts in its prose add up from the rows.
func TestSDKRouteTable(t *testing.T) {
	t.Parallel()
	section := readmetest.Section(t, "## Every route the official SDKs call")
	routeRe := regexp.MustCompile("`(GET|POST|DELETE) (/v1/[^`]+)`")
	testRe := regexp.MustCompile("`(Test[A-Za-z0-9]+)`")
	countRe := regexp.MustCompile(`\((\d+)\)`)
	leadRe := regexp.MustCompile(`^(\d+) `)

	tests := testFuncs(t)
	served := map[string]string{} // "METHOD /api/v1/{}…" → the row's route
	var goTotal, nodeTotal, servedTotal, rows int
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| route ") || strings.HasPrefix(line, "| ---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		require.Len(t, cells, 5, "route | Go SDK | Node SDK | served | test: %s", line)
		rows++
		route, goSDK, nodeSDK, isServed, test := cells[0], cells[1], cells[2], cells[3], cells[4]
		n := len(routeRe.FindAllString(route, -1))
		if m := leadRe.FindStringSubmatch(route); m != nil {
			n, _ = strconv.Atoi(m[1])
		}
		require.Positive(t, n, "a row names its routes: %s", line)
		count := func(cell string) int {
			if cell == "—" {
				return 0
			}
			if m := countRe.FindStringSubmatch(cell); m != nil {
				c, _ := strconv.Atoi(m[1])
				return c
			}
			return n
		}
		goTotal += count(goSDK)
		nodeTotal += count(nodeSDK)
		assert.NotEqual(t, "—", goSDK, "the Node SDK's routes are all among the Go SDK's: %s", line)

		if isServed != "yes" {
			assert.True(t, strings.HasPrefix(isServed, "no: "), "served is yes or no with the reason: %s", line)
			assert.Equal(t, "—", test, "%s", line)
			continue
		}
		require.Equal(t, 1, n, "a served row is one route: %s", line)
		servedTotal++
		m := routeRe.FindStringSubmatch(route)
		key := m[1] + " " + template("/api"+m[2])
		_, dup := served[key]
		assert.False(t, dup, "%s listed twice", key)
		served[key] = route
		named := testRe.FindAllStringSubmatch(test, -1)
		require.NotEmpty(t, named, "a served route names its tests: %s", line)
		for _, tn := range named {
			assert.True(t, tests[tn[1]], "%s names %s, which sims/uqpay does not have", route, tn[1])
		}
		if nodeSDK != "—" {
			assert.Regexp(t, "`(TestNodeSDK[A-Za-z]*|TestConnectedAccounts)`", test, "a Node SDK route is tested the Node SDK's way: %s", line)
		}
	}
	require.Positive(t, rows, "the table has rows")

	s := uqpay.RunT(t)
	want := map[string]string{}
	for _, rt := range core.ProviderOf(s.Host).Routes() {
		if rt.Name == "pan_token.redeem" {
			continue // mocksrv's own, called by no SDK
		}
		want[rt.Method+" "+template(rt.Path)] = rt.Name
	}
	for k, row := range served {
		_, ok := want[k]
		assert.True(t, ok, "the table says %s is served, and the server has no such route", row)
	}
	for k, name := range want {
		_, ok := served[k]
		assert.True(t, ok, "route %s (%s) is served but not in the table", name, k)
	}

	m := regexp.MustCompile(`The Go SDK calls (\d+) routes, the Node SDK (\d+)`).FindStringSubmatch(section)
	require.NotNil(t, m, "the prose states the totals")
	assert.Equal(t, strconv.Itoa(goTotal), m[1], "Go SDK routes, added up from the rows")
	assert.Equal(t, strconv.Itoa(nodeTotal), m[2], "Node SDK routes, added up from the rows")
	assert.True(t, strings.Contains(section, "serves the "+strconv.Itoa(servedTotal)+" "), "the prose says it serves %d", servedTotal)
	assert.True(t, strings.Contains(section, "The other "+strconv.Itoa(goTotal-servedTotal)+" "), "the prose says %d are not served", goTotal-servedTotal)
}

// template writes a path template with its parameters unnamed.
func template(p string) string {
	return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(p, "{}")
}

// testFuncs returns the top-level test functions of sims/uqpay.
func testFuncs(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	re := regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9]+)\(t \*testing\.T\)`)
	out := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
	}
	return out
}
