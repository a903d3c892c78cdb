package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// tokenForms is item 8: with --admin-token, the admin API answers only
// Authorization: Bearer TOKEN (the scheme in any case); a bare token,
// another scheme, the token in another header or the query, a prefix of it
// or a wrong one are refused. /health answers anyone, but without the
// token says only {"status":"ok"}.
func tokenForms(s *suite, r *Result) error {
	const token = "hostile-admin-token-5b1e"
	sv, err := s.start("--admin-token", token)
	if err != nil {
		return err
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	call := func(path string, header map[string]string) (int, []byte, error) {
		req, err := http.NewRequest(http.MethodGet, sv.Base+path, nil)
		if err != nil {
			return 0, nil, err
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := hc.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, b, err
	}
	auth := func(v string) map[string]string { return map[string]string{"Authorization": v} }
	forms := []struct {
		name   string
		path   string
		header map[string]string
		ok     bool
	}{
		{"Bearer TOKEN", "/_mocksrv/tenants", auth("Bearer " + token), true},
		{"bearer TOKEN", "/_mocksrv/tenants", auth("bearer " + token), true},
		{"BEARER TOKEN", "/_mocksrv/tenants", auth("BEARER " + token), true},
		{"no Authorization", "/_mocksrv/tenants", nil, false},
		{"bare TOKEN", "/_mocksrv/tenants", auth(token), false},
		{"Token TOKEN", "/_mocksrv/tenants", auth("Token " + token), false},
		{"Basic base64(admin:TOKEN)", "/_mocksrv/tenants", auth("Basic " + base64.StdEncoding.EncodeToString([]byte("admin:"+token))), false},
		{"Bearer with a prefix of TOKEN", "/_mocksrv/tenants", auth("Bearer " + token[:len(token)-1]), false},
		{"Bearer TOKEN+x", "/_mocksrv/tenants", auth("Bearer " + token + "x"), false},
		{"Bearer alone", "/_mocksrv/tenants", auth("Bearer"), false},
		{"X-Admin-Token: TOKEN", "/_mocksrv/tenants", map[string]string{"X-Admin-Token": token}, false},
		{"?token=TOKEN", "/_mocksrv/tenants?token=" + token, nil, false},
		{"a provider's key as Bearer", "/_mocksrv/tenants", auth("Bearer mocksrv-keysecure-key-default"), false},
	}
	var wrong []string
	for _, f := range forms {
		status, _, err := call(f.path, f.header)
		if err != nil {
			return err
		}
		if (status == http.StatusOK) != f.ok || (!f.ok && status != http.StatusUnauthorized) {
			want := "401"
			if f.ok {
				want = "200"
			}
			wrong = append(wrong, fmt.Sprintf("%s: %d, want %s", f.name, status, want))
		}
	}
	r.figure("%d of %d Authorization forms answered as documented (3 to accept, %d to refuse with 401)", len(forms)-len(wrong), len(forms), len(forms)-3)
	if len(wrong) > 0 {
		r.fail("%s", strings.Join(wrong, "; "))
	}

	_, open, err := call("/_mocksrv/health", nil)
	if err != nil {
		return err
	}
	_, full, err := call("/_mocksrv/health", auth("Bearer "+token))
	if err != nil {
		return err
	}
	keys := func(b []byte) []string {
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	r.figure("/health without the token answers the keys %v; with it %v", keys(open), keys(full))
	if !slices.Equal(keys(open), []string{"status"}) {
		r.fail("/health without the token tells more than the status: %s", compact(open))
	}
	return nil
}

func compact(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return strings.TrimSpace(string(b))
	}
	c, _ := json.Marshal(v)
	return string(c)
}
