package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// The console's cookies, all scoped to the console's path, HttpOnly and
// SameSite=Strict.
const (
	cookieSession = "mocksrv_ui_session" // random; the CSRF token is derived from it
	cookieToken   = "mocksrv_ui_token"   // the admin token the user logged in with
	cookieFlash   = "mocksrv_ui_flash"   // one message for the next page
	csrfField     = "csrf"
)

func (c *Console) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: c.opts.Prefix, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil}
}

// session returns the request's session ID, starting a session (and
// setting its cookie) when there is none.
func (c *Console) session(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(cookieSession); err == nil && validSession(ck.Value) {
		return ck.Value
	}
	id := newSessionID()
	http.SetCookie(w, c.cookie(r, cookieSession, id, 0))
	return id
}

func newSessionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func validSession(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// csrfToken is the token every form of a session carries.
func (c *Console) csrfToken(session string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("mocksrv console csrf\x00" + session))
	return hex.EncodeToString(m.Sum(nil))
}

// checkCSRF accepts a POST whose form carries its session's token.
func (c *Console) checkCSRF(r *http.Request) bool {
	ck, err := r.Cookie(cookieSession)
	if err != nil || !validSession(ck.Value) {
		return false
	}
	got := r.PostFormValue(csrfField)
	if got == "" && r.MultipartForm != nil {
		if v := r.MultipartForm.Value[csrfField]; len(v) > 0 {
			got = v[0]
		}
	}
	return hmac.Equal([]byte(got), []byte(c.csrfToken(ck.Value)))
}

// token returns the admin token the user logged in with ("" for none).
func token(r *http.Request) string {
	ck, err := r.Cookie(cookieToken)
	if err != nil {
		return ""
	}
	v, err := url.QueryUnescape(ck.Value)
	if err != nil {
		return ""
	}
	return v
}

// flash is a one-time message shown on the next page after an action.
type flash struct {
	Kind    string `json:"k"` // "ok" or "error"
	Message string `json:"m"`
}

const maxFlash = 1500

func (c *Console) setFlash(w http.ResponseWriter, r *http.Request, kind, msg string) {
	if len(msg) > maxFlash {
		msg = msg[:maxFlash] + "…"
	}
	b, _ := json.Marshal(flash{kind, msg})
	http.SetCookie(w, c.cookie(r, cookieFlash, base64.RawURLEncoding.EncodeToString(b), 60))
}

func (c *Console) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	ck, err := r.Cookie(cookieFlash)
	if err != nil {
		return nil
	}
	http.SetCookie(w, c.cookie(r, cookieFlash, "", -1))
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return nil
	}
	var f flash
	if json.Unmarshal(b, &f) != nil || f.Message == "" {
		return nil
	}
	if f.Kind != "ok" {
		f.Kind = "error"
	}
	return &f
}

// pageFunc renders a page: it returns the template, the title and the
// page's data, or an error to show.
type pageFunc func(w http.ResponseWriter, r *http.Request) (tmpl, title string, data any, err error)

// page wraps a pageFunc: a session for its forms, the login page when the
// admin API wants a token, an error page when it refuses.
func (c *Console) page(fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.session(w, r)
		tmpl, title, data, err := fn(w, r)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if tmpl == "" { // the handler answered itself
			return
		}
		c.render(w, r, http.StatusOK, tmpl, title, data)
	}
}

// actionFunc performs a POST and returns where to go next and a message.
type actionFunc func(w http.ResponseWriter, r *http.Request) (next, msg string, err error)

// action wraps an actionFunc: the CSRF check, then Post/Redirect/Get with
// the outcome as a flash message. An admin error goes back to the page the
// form was on (its "back" field), with the admin API's message.
func (c *Console) action(fn actionFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 8<<20)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			_ = r.ParseMultipartForm(4 << 20)
		} else {
			_ = r.ParseForm()
		}
		if !c.checkCSRF(r) {
			c.render(w, r, http.StatusForbidden, "error", "Form expired", errorView{Title: "This form cannot be accepted",
				Message: "The form's CSRF token is missing or belongs to another session (an old tab, or mocksrv restarted). Go back, reload the page and try again."})
			return
		}
		next, msg, err := fn(w, r)
		if err != nil {
			var ae *adminError
			if errors.As(err, &ae) && ae.Status == http.StatusUnauthorized {
				c.toLogin(w, r, "The admin API wants a token: log in.")
				return
			}
			c.setFlash(w, r, "error", err.Error())
			http.Redirect(w, r, c.back(r), http.StatusSeeOther)
			return
		}
		if next == "" { // the handler answered itself
			return
		}
		if msg != "" {
			c.setFlash(w, r, "ok", msg)
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

// back is the console page a form came from (its "back" field), or the
// console's front page.
func (c *Console) back(r *http.Request) string {
	if b := r.PostFormValue("back"); c.local(b) {
		return b
	}
	return c.opts.Prefix + "/"
}

// local accepts only paths inside the console, so no form or link can send
// the browser elsewhere.
func (c *Console) local(p string) bool {
	if !strings.HasPrefix(p, c.opts.Prefix+"/") || strings.Contains(p, "//") || strings.Contains(p, `\`) {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Host == "" && u.Scheme == ""
}

func (c *Console) toLogin(w http.ResponseWriter, r *http.Request, msg string) {
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = c.back(r)
	}
	c.setFlash(w, r, "error", msg)
	http.Redirect(w, r, c.opts.Prefix+"/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// fail shows an error page, or the login page when the admin API wants a
// token.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *adminError
	if errors.As(err, &ae) {
		if ae.Status == http.StatusUnauthorized {
			c.toLogin(w, r, "The admin API wants a token: log in.")
			return
		}
		c.render(w, r, ae.Status, "error", "Error", errorView{Title: "The admin API answered " + http.StatusText(ae.Status), Message: ae.Message, Kind: ae.Kind})
		return
	}
	c.render(w, r, http.StatusBadRequest, "error", "Error", errorView{Title: "Error", Message: err.Error()})
}

type errorView struct {
	Title, Message, Kind string
}

type loginView struct {
	Next     string
	Required bool
}

// handleLoginForm shows the login form; when the admin API needs no token
// it says so instead.
func (c *Console) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	c.session(w, r)
	next := r.URL.Query().Get("next")
	if !c.local(next) {
		next = c.opts.Prefix + "/"
	}
	err := c.call(r, "", http.MethodGet, "/tenants", nil, nil)
	var ae *adminError
	required := errors.As(err, &ae) && ae.Status == http.StatusUnauthorized
	c.render(w, r, http.StatusOK, "login", "Log in", loginView{Next: next, Required: required})
}

// handleLogin checks the token against the admin API and keeps it in the
// console's cookie, in a fresh session.
func (c *Console) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	_ = r.ParseForm()
	if !c.checkCSRF(r) {
		c.render(w, r, http.StatusForbidden, "error", "Form expired", errorView{Title: "This form cannot be accepted",
			Message: "The login form's CSRF token is missing or stale. Reload the login page and try again."})
		return
	}
	tok := strings.TrimSpace(r.PostFormValue("token"))
	next := r.PostFormValue("next")
	if !c.local(next) {
		next = c.opts.Prefix + "/"
	}
	err := c.call(r, tok, http.MethodGet, "/tenants", nil, nil)
	var ae *adminError
	if errors.As(err, &ae) && ae.Status == http.StatusUnauthorized {
		c.setFlash(w, r, "error", "That is not the admin token: the admin API answered 401.")
		http.Redirect(w, r, c.opts.Prefix+"/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	http.SetCookie(w, c.cookie(r, cookieSession, newSessionID(), 0))
	http.SetCookie(w, c.cookie(r, cookieToken, url.QueryEscape(tok), 0))
	c.setFlash(w, r, "ok", "Logged in.")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) handleLogout(w http.ResponseWriter, r *http.Request) (string, string, error) {
	http.SetCookie(w, c.cookie(r, cookieToken, "", -1))
	http.SetCookie(w, c.cookie(r, cookieSession, newSessionID(), 0))
	return c.opts.Prefix + "/login", "Logged out.", nil
}
