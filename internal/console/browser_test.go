package console_test

// Browser tests: the console in headless Chromium, driven over the Chrome
// DevTools Protocol by chromedp (a Go-native driver: no Node toolchain).
// One browser per test binary, one tab per test. Without a Chromium binary
// they skip, unless MOCKSRV_BROWSER_REQUIRED is set (CI sets it), where
// they fail. MOCKSRV_SCREENSHOTS=DIR writes a screenshot of each page
// visited to DIR.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/scenarios"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
	browserStop = func() {}
)

func TestMain(m *testing.M) {
	code := m.Run()
	browserStop()
	os.Exit(code)
}

// chromiumPath finds a Chromium: $MOCKSRV_CHROMIUM, then the usual names.
func chromiumPath() string {
	if p := os.Getenv("MOCKSRV_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// tab opens a new tab in the test binary's browser, starting it on first
// use, and closes the tab when the test ends.
func tab(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("MOCKSRV_BROWSER_REQUIRED") != "" {
			t.Fatal("no Chromium binary, and MOCKSRV_BROWSER_REQUIRED is set: install it (apt-get install -y chromium) or set MOCKSRV_CHROMIUM")
		}
		t.Skip("browser tests skipped: no Chromium binary (apt-get install -y chromium, or MOCKSRV_CHROMIUM=/path/to/chromium)")
	}
	browserOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mocksrv-console-chromium-")
		if err != nil {
			browserErr = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path), chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 800),
			chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-background-timer-throttling", true), chromedp.Flag("disable-renderer-backgrounding", true),
			chromedp.Flag("disable-backgrounding-occluded-windows", true), chromedp.Flag("disable-dev-shm-usage", true),
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		if err := chromedp.Do(ctx); err != nil {
			browserErr = fmt.Errorf("starting %s: %w", path, err)
		}
		browserCtx = ctx
		browserStop = func() { cancel(); cancelAlloc(); _ = os.RemoveAll(dir) }
	})
	require.NoError(t, browserErr)
	// A browser context of its own: cookies are per host, not per port, so
	// tabs sharing one would share the console's cookies across Fleets.
	ctx, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancel(); cancelTab() })
	return ctx
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, steps...))
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err)
	return v
}

var shotN atomic.Int64

// shot saves a screenshot of the page when MOCKSRV_SCREENSHOTS names a
// directory.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("MOCKSRV_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	file := fmt.Sprintf("%02d-%s-%s.png", shotN.Add(1), strings.ReplaceAll(t.Name(), "/", "_"), name)
	require.NoError(t, os.WriteFile(filepath.Join(dir, file), png, 0o644))
}

// waitFor waits until the page (whichever document is loaded by then: a
// wait that spans a navigation polls the new one) has an element sel.
func waitFor(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	waitText(t, ctx, sel, "")
}

// waitText waits until the page has an element sel whose text contains
// contains. Each poll evaluates in the current document, so it may span a
// navigation (a poll during the switch just fails and is retried).
func waitText(t *testing.T, ctx context.Context, sel, contains string) string {
	t.Helper()
	var text string
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[*string](fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e?e.innerText:null})()`, sel)))
		if err == nil && got != nil {
			text = *got
		}
		if err == nil && got != nil && strings.Contains(text, contains) {
			return text
		}
		if time.Now().After(deadline) {
			require.Failf(t, "timed out", "%s never contained %q; it reads:\n%s", sel, contains, text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(sel)))
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err)
	return s
}

func TestBrowserLogin(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithAdminToken("qa-token"))
	ctx := tab(t) // after the Fleet: cleanups run last first, so the tab (and its streams) closes before the server
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/tenants/default"), chromedp.WaitVisible(chromedp.CSS("#token")))
	assert.Contains(t, text(t, ctx, "main"), "--admin-token")
	shot(t, ctx, "login")

	focused := eval[string](t, ctx, `document.activeElement ? document.activeElement.id : ""`)
	assert.Equal(t, "token", focused, "the token field has the focus")

	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#token"), "wrong"), chromedp.Submit(chromedp.CSS("#token")))
	waitFor(t, ctx, ".flash.error")
	assert.Contains(t, text(t, ctx, ".flash.error"), "not the admin token")

	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#token"), "qa-token"), chromedp.Submit(chromedp.CSS("#token")))
	waitFor(t, ctx, "#creds-h")
	assert.Contains(t, text(t, ctx, "h1"), "Tenant default")
	assert.Contains(t, text(t, ctx, "main"), "mocksrv-keysecure-key-default")
	shot(t, ctx, "tenant")

	cookie := eval[string](t, ctx, `document.cookie`)
	assert.NotContains(t, cookie, "qa-token", "the token cookie is HttpOnly")
}

func TestBrowserTenantCardClockFreeze(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	ctx := tab(t) // after the Fleet: cleanups run last first, so the tab (and its streams) closes before the server

	// Create a tenant from the console.
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/"), chromedp.WaitVisible(chromedp.CSS("#t-id")))
	shot(t, ctx, "tenants")
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#t-id"), "qa-1"), chromedp.SendKeys(chromedp.CSS("#t-seed"), "7"), chromedp.Click(chromedp.CSS("#t-freeze")),
		chromedp.Submit(chromedp.CSS("#t-id")))
	waitFor(t, ctx, ".flash.ok")
	assert.Contains(t, text(t, ctx, ".flash.ok"), "Tenant qa-1 created.")
	creds, ok := ksp(f).Credentials("qa-1")
	require.True(t, ok)
	key := creds.(keysecure.Credentials)
	assert.Contains(t, text(t, ctx, "main"), key.APIKey)

	// A card appears after an API call, without a reload.
	h, err := ksp(f).Create("qa-1", "cardholders", nil)
	require.NoError(t, err)
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/tenants/qa-1/keysecure?section=cards"), chromedp.WaitVisible(chromedp.CSS("#state-table")))
	assert.Contains(t, text(t, ctx, "#state-table"), "No Cards")
	client := keysecure.NewClient(f.URL(), key.APIKey, key.APISecret)
	resp, err := client.Do(ctx, http.MethodPost, "/open-api/v1/card/apply", map[string]string{
		"cardholder_no": h.(keysecure.Cardholder).ID, "card_unique_no": "qa-card-1", "package_no": "PKG-VIRTUAL-STD", "card_type": "Virtual"})
	require.NoError(t, err)
	require.True(t, resp.OK(), "%s", resp.Body)
	var applied struct {
		CardNo string `json:"card_no"`
	}
	require.NoError(t, resp.Decode(&applied))
	table := waitText(t, ctx, "#state-table", applied.CardNo)
	assert.Contains(t, table, "Pending")
	shot(t, ctx, "card-appeared")

	// Move the clock: the preview names the card's activation; the move makes it.
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/tenants/qa-1"), chromedp.WaitVisible(chromedp.CSS("#c-advance")),
		chromedp.SendKeys(chromedp.CSS("#c-advance"), "2m"), chromedp.Submit(chromedp.CSS("#c-advance")))
	waitFor(t, ctx, "#preview")
	assert.Contains(t, text(t, ctx, "#preview"), applied.CardNo)
	shot(t, ctx, "clock-preview")
	run(t, ctx, chromedp.Click(chromedp.CSS("#clock-move")))
	waitFor(t, ctx, ".flash.ok")
	assert.Contains(t, text(t, ctx, ".flash.ok"), "now 2026-01-01 00:02:00Z (frozen)")
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/tenants/qa-1/keysecure/cards/"+applied.CardNo), chromedp.WaitVisible(chromedp.CSS("#card-status")))
	assert.Equal(t, "Activated", text(t, ctx, "#card-status"))

	// Freeze it from the console; the provider's own API sees it frozen.
	run(t, ctx, chromedp.Click(chromedp.CSS("#action-freeze")))
	waitFor(t, ctx, ".flash.ok")
	assert.Contains(t, text(t, ctx, ".flash.ok"), "freeze done; status Frozen")
	assert.Equal(t, "Frozen", text(t, ctx, "#card-status"))
	shot(t, ctx, "card-frozen")
	detail, err := client.Do(ctx, http.MethodGet, "/open-api/v1/card/"+applied.CardNo+"/detail", nil)
	require.NoError(t, err)
	var card struct {
		Status string `json:"status"`
	}
	require.NoError(t, detail.Decode(&card), "%s", detail.Body)
	assert.Equal(t, "Frozen", card.Status)
	assert.Contains(t, text(t, ctx, "#card-state"), "card.apply", "the timeline shows the API call")
}

func TestBrowserJournalLive(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	ctx := tab(t) // after the Fleet: cleanups run last first, so the tab (and its streams) closes before the server
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/traffic?provider=keysecure"), chromedp.WaitVisible(chromedp.CSS("#traffic")))
	time.Sleep(300 * time.Millisecond) // the stream connects
	resp, err := http.Post(f.URL()+"/open-api/v1/card/list", "application/json", strings.NewReader(`{"start_time":"2026-01-01","end_time":"2026-01-01"}`))
	require.NoError(t, err)
	resp.Body.Close()
	row := waitText(t, ctx, "#traffic tbody", "/open-api/v1/card/list")
	assert.Contains(t, row, "refused")
	assert.Contains(t, text(t, ctx, "#live-status"), "1 new entry")
	shot(t, ctx, "traffic")
	run(t, ctx, chromedp.Click(chromedp.CSS("#traffic tbody tr th a")))
	waitFor(t, ctx, "#resp-h")
	page := text(t, ctx, "main")
	assert.Contains(t, page, "card.list")
	assert.Contains(t, page, "Api-Key is required")
	shot(t, ctx, "entry")
}

func TestBrowserRedeliver(t *testing.T) {
	t.Parallel()
	var got atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
		_, _ = w.Write([]byte(`{"code":0}`))
	}))
	t.Cleanup(recv.Close)
	f := sims.RunT(t)
	ctx := tab(t) // after the Fleet: cleanups run last first, so the tab (and its streams) closes before the server
	runCtx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	go f.Run(runCtx)

	// Point the tenant's KeySecure webhooks at the receiver from the console.
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/tenants/default"), chromedp.WaitVisible(chromedp.CSS("#wh-keysecure")),
		chromedp.SendKeys(chromedp.CSS("#wh-keysecure"), recv.URL+"/ks"), chromedp.Submit(chromedp.CSS("#wh-keysecure")))
	waitFor(t, ctx, ".flash.ok")
	assert.Contains(t, text(t, ctx, ".flash.ok"), "now go to "+recv.URL+"/ks")

	c, err := ksp(f).Create("default", "cards", nil)
	require.NoError(t, err)
	_, err = ksp(f).CardAction("default", c.(keysecure.Card).ID, "freeze")
	require.NoError(t, err)
	f.Flush(context.Background())
	require.Eventually(t, func() bool { return got.Load() >= 1 }, 10*time.Second, 20*time.Millisecond)
	first := got.Load()

	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/webhooks?tenant=default&provider=keysecure"), chromedp.WaitVisible(chromedp.CSS("#deliveries table")))
	assert.Contains(t, text(t, ctx, "#deliveries"), "Card_update")
	shot(t, ctx, "webhooks")
	run(t, ctx, chromedp.Click(chromedp.CSS("#deliveries tbody tr th a")))
	waitFor(t, ctx, "#redeliver")
	assert.Contains(t, text(t, ctx, "#delivery-state"), "Signature")
	run(t, ctx, chromedp.Click(chromedp.CSS("#redeliver")))
	waitFor(t, ctx, ".flash.ok")
	assert.Contains(t, text(t, ctx, ".flash.ok"), "queued again")
	f.Flush(context.Background())
	require.Eventually(t, func() bool { return got.Load() > first }, 10*time.Second, 20*time.Millisecond)
	run(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#attempt-count")))
	waitText(t, ctx, "#attempt-count", fmt.Sprint(first+1))
	shot(t, ctx, "delivery")
}

func TestBrowserScenario(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithScenarioLoader(scenarios.Loader))
	ctx := tab(t) // after the Fleet: cleanups run last first, so the tab (and its streams) closes before the server
	src := `description: a frozen KeySecure card for manual QA
given:
  keysecure:
    - cardholders: {as: alice, balance: "50.00"}
    - cards: {as: card, cardholder_no: "{{alice.cardholder_no}}", status: Frozen}
steps:
  - flush: true
`
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/scenarios"), chromedp.WaitVisible(chromedp.CSS("#s-source")),
		chromedp.SetValue(chromedp.CSS("#s-tenant"), "scn-qa"), chromedp.SetValue(chromedp.CSS("#s-source"), src), chromedp.Submit(chromedp.CSS("#s-source")))
	waitText(t, ctx, "#loaded", "alice")
	page := text(t, ctx, "main")
	assert.Contains(t, page, "to tenant scn-qa: 2 named objects")
	assert.Contains(t, page, "alice")
	shot(t, ctx, "applied")
	run(t, ctx, chromedp.Click(chromedp.CSS("#loaded a")))
	waitFor(t, ctx, "#card-status")
	assert.Equal(t, "Frozen", text(t, ctx, "#card-status"))
	assert.Len(t, f.KeySecure.Cards(), 0, "the default tenant is untouched")

	t.Run("a bad file names the line", func(t *testing.T) {
		run(t, ctx, chromedp.Navigate(f.URL()+ui+"/scenarios"), chromedp.WaitVisible(chromedp.CSS("#s-source")),
			chromedp.SetValue(chromedp.CSS("#s-source"), "description: bad\ngiven:\n  keysecure:\n    - cards: {nope: 1}\nsteps:\n  - flush: true\n"), chromedp.Submit(chromedp.CSS("#s-source")))
		msg := waitText(t, ctx, "main", "nope")
		assert.Regexp(t, regexp.MustCompile(`line \d+|:\d+:`), msg)
	})
}

// TestBrowserScenarioRun picks a library scenario on the Scenarios page,
// runs it and reads each step's verdict; then runs a pasted file whose
// step fails and reads what differed.
func TestBrowserScenarioRun(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithScenarioRunner(scenarios.Runner), sims.WithScenarioLoader(scenarios.Loader))
	ctx := tab(t) // after the Fleet: cleanups run last first, so the tab (and its streams) closes before the server
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/scenarios"), chromedp.WaitVisible(chromedp.CSS("#l-name")))
	assert.Contains(t, text(t, ctx, "#library"), "keysecure-freeze-unfreeze")
	shot(t, ctx, "library")
	run(t, ctx, chromedp.SetValue(chromedp.CSS("#l-name"), "keysecure-freeze-unfreeze"), chromedp.SendKeys(chromedp.CSS("#l-tenant"), "qa-run"),
		chromedp.Click(chromedp.CSS("#run-library")))
	waitText(t, ctx, "#steps", "freeze")
	assert.Equal(t, "passed", text(t, ctx, "#run-verdict"))
	assert.Contains(t, text(t, ctx, "#run-summary"), "7 of 7 steps passed")
	rows := eval[int](t, ctx, `document.querySelectorAll("#steps tbody tr.pass").length`)
	assert.Equal(t, 7, rows)
	steps := text(t, ctx, "#steps")
	assert.Contains(t, steps, "a frozen card declines")
	assert.Contains(t, steps, "✓ pass")
	shot(t, ctx, "ran")
	_, kept := f.Tenants.Get("qa-run")
	assert.True(t, kept, "the run's tenant is kept")

	run(t, ctx, chromedp.Click(chromedp.CSS("#run-summary a")))
	waitFor(t, ctx, "#creds-h")
	assert.Contains(t, text(t, ctx, "h1"), "Tenant qa-run")

	t.Run("a failing step shows what differed", func(t *testing.T) {
		src := "description: fails on purpose\ngiven:\n  keysecure:\n    - cards: {as: card, status: Frozen}\nsteps:\n  - name: freeze again\n    call:\n      method: POST\n      path: /open-api/v1/card/status/update\n      body: {card_no: \"{{card.card_no}}\", status: Frozen}\n    expect: {code: 0}\n"
		run(t, ctx, chromedp.Navigate(f.URL()+ui+"/scenarios"), chromedp.WaitVisible(chromedp.CSS("#r-source")),
			chromedp.SetValue(chromedp.CSS("#r-source"), src), chromedp.Click(chromedp.CSS("#run-file")))
		waitText(t, ctx, "#steps", "freeze again")
		assert.Equal(t, "failed", text(t, ctx, "#run-verdict"))
		assert.Contains(t, text(t, ctx, "#steps tr.fail"), "expect.code: expected 0, got 4002")
		shot(t, ctx, "ran-failed")
	})

	t.Run("the library and a result fit a phone", func(t *testing.T) {
		run(t, ctx, chromedp.EmulateViewport(390, 844))
		for _, a := range []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(f.URL() + ui + "/scenarios"),
			chromedp.Click(chromedp.CSS("#run-library")),
		} {
			run(t, ctx, a, chromedp.WaitVisible(chromedp.CSS("main")))
			waitFor(t, ctx, "footer")
			assert.False(t, eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`), "the page scrolls sideways at phone width")
		}
		waitFor(t, ctx, "#steps")
		assert.False(t, eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`), "the result scrolls sideways at phone width")
		shot(t, ctx, "ran-phone")
	})
}

func TestBrowserFaults(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	ctx := tab(t) // after the Fleet: cleanups run last first, so the tab (and its streams) closes before the server
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/faults"), chromedp.WaitVisible(chromedp.CSS("#fa-route")),
		chromedp.SetValue(chromedp.CSS("#fa-provider"), "keysecure"), chromedp.SendKeys(chromedp.CSS("#fa-route"), "card.list"), chromedp.SendKeys(chromedp.CSS("#fa-times"), "1"),
		chromedp.SetValue(chromedp.CSS("#fa-action"), "status"), chromedp.SendKeys(chromedp.CSS("#fa-status"), "502"), chromedp.Submit(chromedp.CSS("#fa-route")))
	waitFor(t, ctx, ".flash.ok")
	assert.Contains(t, text(t, ctx, "#fault-list"), "status 502")
	require.Len(t, f.Faults.List(), 1)
	shot(t, ctx, "faults")
	run(t, ctx, chromedp.Click(chromedp.CSS("#fault-list tbody button")))
	waitText(t, ctx, "#fault-list", "No fault rules")
	assert.Contains(t, text(t, ctx, ".flash.ok"), "Fault rule f1 removed.")
	assert.Empty(t, f.Faults.List())
}

// TestBrowserPhoneWidth loads the busiest pages at 390 px: nothing may
// scroll the page sideways (wide tables scroll inside their own box).
func TestBrowserPhoneWidth(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	ctx := tab(t) // after the Fleet: cleanups run last first, so the tab (and its streams) closes before the server
	for i := 0; i < 3; i++ {
		_, err := ksp(f).Create("default", "cards", nil)
		require.NoError(t, err)
	}
	run(t, ctx, chromedp.EmulateViewport(390, 844))
	for _, p := range []string{"/", "/tenants/default", "/tenants/default/keysecure", "/traffic", "/faults", "/scenarios"} {
		run(t, ctx, chromedp.Navigate(f.URL()+ui+p), chromedp.WaitVisible(chromedp.CSS("main")))
		overflow := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`)
		if overflow {
			t.Log(eval[string](t, ctx, `Array.from(document.querySelectorAll("body *")).filter(function(e){var r=e.getBoundingClientRect();return r.right>window.innerWidth+1 && (!e.closest(".table-wrap") || e.classList.contains("table-wrap"))}).slice(0,8).map(function(e){var p=e.parentElement;return e.tagName+"."+e.className+"#"+e.id+" "+Math.round(e.getBoundingClientRect().right)+" parent "+p.tagName+"#"+p.id+" "+Math.round(p.getBoundingClientRect().right)}).join(", ") + " doc " + document.documentElement.scrollWidth`))
		}
		assert.False(t, overflow, "%s scrolls sideways at phone width", p)
		shot(t, ctx, "phone"+strings.ReplaceAll(p, "/", "_"))
	}
	// Keyboard: the first Tab reaches the skip link, which lands in main.
	run(t, ctx, chromedp.Navigate(f.URL()+ui+"/"), chromedp.WaitVisible(chromedp.CSS("main")), chromedp.KeyEvent("\t"))
	cls := eval[string](t, ctx, `document.activeElement.className`)
	assert.Equal(t, "skip", cls)
	labelled := eval[bool](t, ctx, `Array.from(document.querySelectorAll("input:not([type=hidden]),select,textarea")).every(function(e){return e.labels && e.labels.length>0})`)
	assert.True(t, labelled, "every form control has a label")
}
