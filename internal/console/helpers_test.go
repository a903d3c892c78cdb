package console_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
)

const ui = "/_mocksrv/ui"

// browser is a cookie-keeping HTTP client that does not follow redirects,
// so tests see every 303 the console answers.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp, string(body)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp, string(body)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`)

// csrf reads the CSRF token from a page.
func (b *browser) csrf(page string) string {
	b.t.Helper()
	_, body := b.get(page)
	m := csrfRE.FindStringSubmatch(body)
	require.NotNil(b.t, m, "no CSRF token on %s", page)
	return m[1]
}

// act posts a form with the session's CSRF token and expects a redirect;
// it returns the page the console sent the browser to, after following it.
func (b *browser) act(from, action string, form url.Values) string {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf(from))
	form.Set("back", from)
	resp, body := b.post(action, form)
	require.Equal(b.t, http.StatusSeeOther, resp.StatusCode, "POST %s: %s", action, body)
	loc := resp.Header.Get("Location")
	_, page := b.get(loc)
	return page
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// fleet starts a Fleet with the console, frozen at the test epoch.
func fleet(t *testing.T, opts ...sims.Option) *sims.Fleet {
	t.Helper()
	return sims.RunT(t, opts...)
}

func adminPost(t *testing.T, f *sims.Fleet, token, path, body string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Less(t, resp.StatusCode, 300, "POST %s: %s", path, b)
	return string(b)
}
