package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/console"
	"github.com/mocksrv/mocksrv/scenarios"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	f := fleet(t, sims.WithAdminToken("s3cret"))
	b := newBrowser(t, f.URL())

	t.Run("a page without a token goes to the login form", func(t *testing.T) {
		resp, _ := b.get(ui + "/tenants/default")
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, ui+"/login?next="+url.QueryEscape(ui+"/tenants/default"), resp.Header.Get("Location"))
	})

	t.Run("the session cookie is scoped to the console", func(t *testing.T) {
		b := newBrowser(t, f.URL())
		resp, body := b.get(ui + "/login")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, `type="password"`)
		ck := cookieNamed(resp, "mocksrv_ui_session")
		require.NotNil(t, ck)
		assert.Equal(t, ui, ck.Path)
		assert.True(t, ck.HttpOnly)
		assert.Equal(t, http.SameSiteStrictMode, ck.SameSite)
	})

	t.Run("a wrong token is refused", func(t *testing.T) {
		b := newBrowser(t, f.URL())
		resp, _ := b.post(ui+"/login", url.Values{"csrf": {b.csrf(ui + "/login")}, "token": {"nope"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Nil(t, cookieNamed(resp, "mocksrv_ui_token"))
		_, page := b.get(resp.Header.Get("Location"))
		assert.Contains(t, page, "That is not the admin token")
	})

	t.Run("a login without the form's CSRF token is refused", func(t *testing.T) {
		b := newBrowser(t, f.URL())
		b.get(ui + "/login")
		resp, _ := b.post(ui+"/login", url.Values{"token": {"s3cret"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Nil(t, cookieNamed(resp, "mocksrv_ui_token"))
	})

	t.Run("the right token is kept in a cookie scoped to the console", func(t *testing.T) {
		resp, _ := b.post(ui+"/login", url.Values{"csrf": {b.csrf(ui + "/login")}, "token": {"s3cret"}, "next": {ui + "/tenants/default"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, ui+"/tenants/default", resp.Header.Get("Location"))
		ck := cookieNamed(resp, "mocksrv_ui_token")
		require.NotNil(t, ck)
		assert.Equal(t, ui, ck.Path)
		assert.True(t, ck.HttpOnly)
		assert.Equal(t, http.SameSiteStrictMode, ck.SameSite)
		page, body := b.get(ui + "/tenants/default")
		require.Equal(t, http.StatusOK, page.StatusCode)
		assert.Contains(t, body, "mocksrv-keysecure-key-default")
		assert.Contains(t, body, "Log out")
	})

	t.Run("next never leaves the console", func(t *testing.T) {
		b := newBrowser(t, f.URL())
		resp, _ := b.post(ui+"/login", url.Values{"csrf": {b.csrf(ui + "/login")}, "token": {"s3cret"}, "next": {"https://evil.example/"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, ui+"/", resp.Header.Get("Location"))
	})

	t.Run("log out forgets the token", func(t *testing.T) {
		b := newBrowser(t, f.URL())
		b.post(ui+"/login", url.Values{"csrf": {b.csrf(ui + "/login")}, "token": {"s3cret"}})
		resp, _ := b.post(ui+"/logout", url.Values{"csrf": {b.csrf(ui + "/")}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		ck := cookieNamed(resp, "mocksrv_ui_token")
		require.NotNil(t, ck)
		assert.Negative(t, ck.MaxAge)
		resp, _ = b.get(ui + "/")
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	})
}

func TestNoLoginWithoutAdminToken(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	b := newBrowser(t, f.URL())
	resp, body := b.get(ui + "/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, ">default</a>")
	_, login := b.get(ui + "/login")
	assert.Contains(t, login, "needs no login")
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	b := newBrowser(t, f.URL())
	b.get(ui + "/")

	t.Run("a POST without the token is refused", func(t *testing.T) {
		resp, body := b.post(ui+"/tenants", url.Values{"id": {"nope"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Contains(t, body, "CSRF")
		_, ok := f.Tenants.Get("nope")
		assert.False(t, ok)
	})

	t.Run("another session's token is refused", func(t *testing.T) {
		other := newBrowser(t, f.URL())
		tok := other.csrf(ui + "/")
		resp, _ := b.post(ui+"/tenants", url.Values{"id": {"nope2"}, "csrf": {tok}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		_, ok := f.Tenants.Get("nope2")
		assert.False(t, ok)
	})

	t.Run("the cookie without the form field is not enough for any action", func(t *testing.T) {
		for _, path := range []string{"/tenants/default/reset", "/tenants/default/clock", "/faults", "/faults/clear",
			"/tenants/default/keysecure/cards/C1/freeze", "/webhooks/x/redeliver", "/scenarios", "/logout"} {
			resp, _ := b.post(ui+path, url.Values{"advance": {"1h"}})
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
		}
	})

	t.Run("the session's token is accepted", func(t *testing.T) {
		page := b.act(ui+"/", ui+"/tenants", url.Values{"id": {"qa-csrf"}, "seed": {"7"}})
		assert.Contains(t, page, "Tenant qa-csrf created.")
		_, ok := f.Tenants.Get("qa-csrf")
		assert.True(t, ok)
	})
}

func TestTokenForwarded(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	admin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/_mocksrv/health":
			fmt.Fprint(w, `{"status":"ok","version":"test","providers":["keysecure"]}`)
		default:
			fmt.Fprint(w, `{"tenants":[{"id":"default","seed":1,"keysecure":{"api_key":"k","api_secret":"s"}}]}`)
		}
	})
	srv := httptest.NewServer(console.New(admin, console.Options{}))
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	resp, _ := b.post(ui+"/login", url.Values{"csrf": {b.csrf(ui + "/login")}, "token": {"tok en"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	mu.Lock()
	seen = nil
	mu.Unlock()
	resp, _ = b.get(ui + "/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"GET /_mocksrv/health Bearer tok en", "GET /_mocksrv/tenants Bearer tok en"}, seen)
}

func TestStatePaging(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	for i := 0; i < 120; i++ {
		c := keysecure.Card{}
		if i%10 == 0 {
			c.Status = keysecure.StatusFrozen
		}
		_, err := ksp(f).Create("default", "cards", mustJSON(t, c))
		require.NoError(t, err)
	}
	b := newBrowser(t, f.URL())
	base := ui + "/tenants/default/keysecure?section=cards"

	_, p1 := b.get(base)
	assert.Contains(t, p1, "Cards 1–50 of 120, newest first")
	assert.Equal(t, 50, strings.Count(p1, `class="row-action"`))
	assert.Contains(t, p1, "Page 1 of 3")

	_, p3 := b.get(base + "&page=3")
	assert.Contains(t, p3, "Cards 101–120 of 120")
	assert.Equal(t, 20, strings.Count(p3, `class="row-action"`))

	_, beyond := b.get(base + "&page=99")
	assert.Contains(t, beyond, "Page 3 of 3", "a page past the end shows the last")

	_, frozen := b.get(base + "&status=Frozen")
	assert.Contains(t, frozen, "Cards 1–12 of 12 (filtered from 120)")
	assert.Contains(t, frozen, "Frozen 12")
	assert.Contains(t, frozen, "Activated 108")

	cards := f.KeySecure.Cards()
	_, one := b.get(base + "&q=" + url.QueryEscape(cards[3].ID))
	assert.Contains(t, one, "Cards 1–1 of 1 (filtered from 120)")
}

func TestCardActionFromConsole(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	c, err := ksp(f).Create("default", "cards", nil)
	require.NoError(t, err)
	no := c.(keysecure.Card).ID
	b := newBrowser(t, f.URL())
	page := b.act(ui+"/tenants/default/keysecure/cards/"+no, ui+"/tenants/default/keysecure/cards/"+no+"/freeze", nil)
	assert.Contains(t, page, "Card "+no+": freeze done; status Frozen.")
	f.KeySecure.CheckCardStatus(t, no, keysecure.StatusFrozen)

	t.Run("a refused action shows the admin API's reason", func(t *testing.T) {
		page := b.act(ui+"/tenants/default/keysecure/cards/"+no, ui+"/tenants/default/keysecure/cards/"+no+"/freeze", nil)
		assert.Contains(t, page, `class="flash error"`)
	})
	t.Run("an action the provider lacks is refused before the admin API", func(t *testing.T) {
		page := b.act(ui+"/tenants/default/keysecure/cards/"+no, ui+"/tenants/default/keysecure/cards/"+no+"/block", nil)
		assert.Contains(t, page, "KeySecure cards know freeze, unfreeze")
	})
}

func TestClockPreview(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	c, err := ksp(f).Create("default", "cards", []byte(`{"status":"Pending"}`))
	require.NoError(t, err)
	no := c.(keysecure.Card).ID
	b := newBrowser(t, f.URL())
	_, page := b.get(ui + "/tenants/default?preview=1&advance=2m")
	assert.Contains(t, page, "makes 1 transition due")
	assert.Contains(t, page, no)

	_, none := b.get(ui + "/tenants/default?preview=1&advance=10s")
	assert.Contains(t, none, "makes 0 transitions due")

	_, bad := b.get(ui + "/tenants/default?preview=1&advance=soon")
	assert.Contains(t, bad, "want Go syntax like 90s")

	moved := b.act(ui+"/tenants/default?preview=1&advance=2m", ui+"/tenants/default/clock", url.Values{"advance": {"2m"}})
	assert.Contains(t, moved, "Clock of default now 2026-01-01 00:02:00Z (frozen)")
	f.KeySecure.CheckCardStatus(t, no, keysecure.StatusActivated)
}

func TestJournalEntryPage(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	req, err := http.NewRequest(http.MethodGet, f.URL()+"/open-api/v1/merchant/token", nil)
	require.NoError(t, err)
	req.Header.Set("Api-Key", "nobody")
	req.Header.Set("Timestamp", fmt.Sprint(time.Now().UnixMilli()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	es := f.Journal.Entries()
	require.NotEmpty(t, es)
	last := es[len(es)-1]

	b := newBrowser(t, f.URL())
	_, page := b.get(fmt.Sprintf("%s/traffic/%d", ui, last.Seq))
	assert.Contains(t, page, "/open-api/v1/merchant/token")
	assert.Contains(t, page, "refused: ")
	assert.Contains(t, page, "Api-Key")

	r, _ := b.get(ui + "/traffic/999999")
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
}

func TestTrafficStream(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	b := newBrowser(t, f.URL())
	b.get(ui + "/")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL()+ui+"/traffic/stream?since=now&provider=keysecure", nil)
	require.NoError(t, err)
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))

	go func() {
		// A request of another provider first: the filter keeps it out.
		r, err := http.Get(f.URL() + "/api/v1/issuing/cards")
		if err == nil {
			r.Body.Close()
		}
		r, err = http.Post(f.URL()+"/open-api/v1/card/list", "application/json", strings.NewReader("{}"))
		if err == nil {
			r.Body.Close()
		}
	}()
	sc := bufio.NewScanner(resp.Body)
	var event, data string
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "event: "); ok {
			event = v
		}
		if v, ok := strings.CutPrefix(line, "data: "); ok {
			data = v
		}
		if line == "" && event == "entries" {
			break
		}
	}
	require.Equal(t, "entries", event)
	var batch struct {
		Entries []struct {
			Provider, Path, Verdict string
			Status                  int
		} `json:"entries"`
	}
	require.NoError(t, json.Unmarshal([]byte(data), &batch))
	require.Len(t, batch.Entries, 1)
	assert.Equal(t, "keysecure", batch.Entries[0].Provider)
	assert.Equal(t, "/open-api/v1/card/list", batch.Entries[0].Path)
	assert.Contains(t, batch.Entries[0].Verdict, "refused")
}

func TestStreamRefusedWithoutToken(t *testing.T) {
	t.Parallel()
	f := fleet(t, sims.WithAdminToken("s3cret"))
	resp, err := http.Get(f.URL() + ui + "/traffic/stream")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestPagesRender(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	for _, p := range sims.AllProviders {
		pv, ok := f.Provider(p)
		require.True(t, ok)
		_, cerr := pv.Create("default", "cards", nil)
		require.NoError(t, cerr, p)
	}
	b := newBrowser(t, f.URL())
	pages := []string{"/", "/tenants/default", "/traffic", "/webhooks", "/faults", "/scenarios", "/login"}
	for _, p := range sims.AllProviders {
		pages = append(pages, "/tenants/default/"+p)
		for _, s := range []string{"cards", "scheduled"} {
			pages = append(pages, "/tenants/default/"+p+"?section="+s)
		}
	}
	for _, p := range pages {
		resp, body := b.get(ui + p)
		assert.Equal(t, http.StatusOK, resp.StatusCode, p)
		assert.Contains(t, body, "</html>", p)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'self'", p)
	}
	resp, _ := b.get(ui + "/tenants/nobody")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = b.get(ui + "/tenants/default/nowhere")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = b.get(ui + "/static/console.js")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestScenarioApply(t *testing.T) {
	t.Parallel()
	f := fleet(t, sims.WithScenarioLoader(scenarios.Loader))
	b := newBrowser(t, f.URL())
	src := "description: unit\nsteps:\n  - flush: true\ngiven:\n  keysecure:\n    - cardholders: {as: alice, balance: \"50.00\"}\n    - cards: {as: card, cardholder_no: \"{{alice.cardholder_no}}\", status: Frozen}\n"
	resp, body := b.post(ui+"/scenarios", url.Values{"csrf": {b.csrf(ui + "/scenarios")}, "tenant": {"scn-unit"}, "source": {src}})
	if resp.StatusCode == http.StatusSeeOther {
		_, page := b.get(resp.Header.Get("Location"))
		i := strings.Index(page, `class="flash`)
		t.Fatalf("refused (%s %v): %s", resp.Header.Get("Location"), resp.Header["Set-Cookie"], page[max(i, 0):min(len(page), max(i, 0)+600)])
	}
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "2 named objects")
	assert.Contains(t, body, "keysecure card C")
	_, ok := f.Tenants.Get("scn-unit")
	assert.True(t, ok)
}

func TestScenarioApplyWithAdminToken(t *testing.T) {
	t.Parallel()
	f := fleet(t, sims.WithScenarioLoader(scenarios.Loader), sims.WithAdminToken("s3cret"))
	b := newBrowser(t, f.URL())
	b.post(ui+"/login", url.Values{"csrf": {b.csrf(ui + "/login")}, "token": {"s3cret"}})
	src := "description: unit\nsteps:\n  - flush: true\ngiven:\n  keysecure:\n    - cards: {as: card}\n"
	resp, body := b.post(ui+"/scenarios", url.Values{"csrf": {b.csrf(ui + "/scenarios")}, "tenant": {"scn-tok"}, "source": {src}})
	if resp.StatusCode == http.StatusSeeOther {
		_, page := b.get(resp.Header.Get("Location"))
		i := strings.Index(page, `class="flash`)
		t.Fatalf("refused: %s", page[max(i, 0):min(len(page), max(i, 0)+400)])
	}
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "1 named object")
}

// ksp is the Fleet's view of KeySecure: tenants, state, admin creates.
func ksp(f *sims.Fleet) core.Provider {
	p, _ := f.Provider("keysecure")
	return p
}
