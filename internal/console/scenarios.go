package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

type scenariosView struct {
	Tenants []string
	Tenant  string
	Library []libraryEntry
	// NoRunner is the admin API's message when this mocksrv cannot run
	// scenarios (built without the runner): the library and runs are off.
	NoRunner string
}

type libraryEntry struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
}

// handleScenarios lists the scenario library, and offers to run one (or a
// file) with a verdict per step, or to apply a file's given section to a
// tenant.
func (c *Console) handleScenarios(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	var list struct {
		Tenants []struct {
			ID string `json:"id"`
		} `json:"tenants"`
	}
	if err := c.adminCall(r, http.MethodGet, "/tenants", nil, &list); err != nil {
		return "", "", nil, err
	}
	v := scenariosView{Tenant: r.URL.Query().Get("tenant")}
	for _, t := range list.Tenants {
		v.Tenants = append(v.Tenants, t.ID)
	}
	var lib struct {
		Scenarios []libraryEntry `json:"scenarios"`
	}
	err := c.adminCall(r, http.MethodGet, "/scenarios", nil, &lib)
	var ae *adminError
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		v.NoRunner = ae.Message
	case err != nil:
		return "", "", nil, err
	}
	v.Library = lib.Scenarios
	return "scenarios", "Scenarios", v, nil
}

// runView is a scenario run's result (POST /_mocksrv/scenarios/run).
type runView struct {
	Scenario string    `json:"scenario"`
	File     string    `json:"file"`
	Tenant   string    `json:"tenant"`
	Passed   bool      `json:"passed"`
	Steps    []runStep `json:"steps"`
	Error    string    `json:"error"`
	Duration int64     `json:"duration_ns"`
	Library  bool      `json:"-"`
	OK       int       `json:"-"` // steps that passed
}

type runStep struct {
	Step     string   `json:"step"`
	OK       bool     `json:"ok"`
	Failures []string `json:"failures"`
	Detail   string   `json:"detail"`
	Duration int64    `json:"duration_ns"`
}

// handleScenarioRun runs a library scenario (name) or an uploaded or
// pasted file through POST /_mocksrv/scenarios/run, in a new tenant, and
// shows each step's verdict and what differed.
func (c *Console) handleScenarioRun(w http.ResponseWriter, r *http.Request) (string, string, error) {
	name := strings.TrimSpace(formValue(r, "name"))
	var body any
	if name == "" {
		src, err := uploaded(r)
		if err != nil {
			return "", "", err
		}
		body = rawBody(src)
	}
	q := url.Values{}
	if name != "" {
		q.Set("name", name)
	}
	if t := strings.TrimSpace(formValue(r, "tenant")); t != "" {
		q.Set("tenant", t)
	}
	var v runView
	if err := c.adminCall(r, http.MethodPost, "/scenarios/run?"+q.Encode(), body, &v); err != nil {
		return "", "", err
	}
	v.Library = name != ""
	for _, s := range v.Steps {
		if s.OK {
			v.OK++
		}
	}
	title := "Scenario passed"
	if !v.Passed {
		title = "Scenario failed"
	}
	c.render(w, r, http.StatusOK, "ran", title, v)
	return "", "", nil
}

type loadedView struct {
	Scenario string
	Tenant   string
	Objects  []loadedObject
}

type loadedObject struct {
	Name     string
	JSON     string
	Provider string
	Card     string
}

// maxScenario bounds an uploaded or pasted scenario file.
const maxScenario = 4 << 20

// handleScenarioLoad applies a scenario file (uploaded, or pasted) to a
// tenant through POST /_mocksrv/scenarios and shows what it created.
func (c *Console) handleScenarioLoad(w http.ResponseWriter, r *http.Request) (string, string, error) {
	src, err := uploaded(r)
	if err != nil {
		return "", "", err
	}
	tenant := strings.TrimSpace(formValue(r, "tenant"))
	var out struct {
		Scenario string                     `json:"scenario"`
		Tenant   string                     `json:"tenant"`
		Objects  map[string]json.RawMessage `json:"objects"`
	}
	if err := c.adminCall(r, http.MethodPost, "/scenarios?"+url.Values{"tenant": {tenant}}.Encode(), rawBody(src), &out); err != nil {
		return "", "", err
	}
	v := loadedView{Scenario: out.Scenario, Tenant: out.Tenant}
	if v.Scenario == "request body" { // the loader's name for a file without one
		v.Scenario = ""
	}
	for name, raw := range out.Objects {
		o := loadedObject{Name: name, JSON: prettyJSON(string(raw))}
		o.Provider, o.Card = cardIn(raw)
		v.Objects = append(v.Objects, o)
	}
	sort.Slice(v.Objects, func(i, j int) bool { return v.Objects[i].Name < v.Objects[j].Name })
	c.render(w, r, http.StatusOK, "loaded", "Scenario applied", v)
	return "", "", nil
}

// uploaded is the scenario file of a form: uploaded, or pasted.
func uploaded(r *http.Request) ([]byte, error) {
	src := []byte(r.PostFormValue("source"))
	if r.MultipartForm != nil {
		if v := r.MultipartForm.Value["source"]; len(v) > 0 {
			src = []byte(v[0])
		}
		if fh := r.MultipartForm.File["file"]; len(fh) > 0 && fh[0].Size > 0 {
			f, err := fh[0].Open()
			if err != nil {
				return nil, err
			}
			defer f.Close()
			src, err = io.ReadAll(io.LimitReader(f, maxScenario+1))
			if err != nil {
				return nil, err
			}
		}
	}
	if strings.TrimSpace(string(src)) == "" {
		return nil, errors.New("choose a scenario file or paste one")
	}
	if len(src) > maxScenario {
		return nil, fmt.Errorf("the scenario file is larger than %d MiB", maxScenario>>20)
	}
	return src, nil
}

// cardIn recognizes a card object among what a scenario created, by the
// fields only that provider's cards carry.
func cardIn(raw []byte) (provider, id string) {
	switch {
	case topString(raw, "card_no") != "" && topString(raw, "card_unique_no") != "":
		return "keysecure", topString(raw, "card_no")
	case topString(raw, "card_id") != "" && topString(raw, "card_status") != "":
		return "uqpay", topString(raw, "card_id")
	case topString(raw, "cardId") != "" && topString(raw, "cardStatus") != "":
		return "decard", topString(raw, "cardId")
	case topString(raw, "id") != "" && topString(raw, "channel_id") != "":
		return "bkj", topString(raw, "id")
	}
	return "", ""
}

func formValue(r *http.Request, k string) string {
	if r.MultipartForm != nil {
		if v := r.MultipartForm.Value[k]; len(v) > 0 {
			return v[0]
		}
	}
	return r.PostFormValue(k)
}
