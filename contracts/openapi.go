package contracts

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Operation is one endpoint of a provider's surface, as its OpenAPI
// document describes it.
type Operation struct {
	Provider  string         `json:"provider"`
	ID        string         `json:"id"` // operationId == the simulator's route name
	Method    string         `json:"method"`
	Path      string         `json:"path"` // template, e.g. /open-api/v1/card/{card_no}/detail
	Request   string         `json:"request,omitempty"`
	Responses map[int]string `json:"responses,omitempty"` // status → schema id
	Default   string         `json:"default,omitempty"`   // schema id for other statuses
	Extension bool           `json:"extension,omitempty"` // a mocksrv addition, not the provider's
	Summary   string         `json:"summary,omitempty"`
}

// Response returns the schema id for a response with the given status.
func (o Operation) Response(status int) string {
	if id, ok := o.Responses[status]; ok {
		return id
	}
	if status >= 200 && status < 300 {
		for s, id := range o.Responses {
			if s >= 200 && s < 300 {
				return id
			}
		}
	}
	return o.Default
}

// Envelope says how to tell a provider's success answers from its
// errors, from the document's x-envelope: the JSON pointer of the code
// field, the code values that mean success, and optionally a boolean
// success field. UQPay has no envelope: HTTP status >= 400 is an error.
type Envelope struct {
	Code         string   `json:"code"`
	Success      []string `json:"success"`
	SuccessField string   `json:"success_field"`
}

// IsSuccess reports whether a code value means success.
func (e Envelope) IsSuccess(code string) bool {
	for _, s := range e.Success {
		if s == code {
			return true
		}
	}
	return false
}

// Doc is a provider's loaded OpenAPI document.
type Doc struct {
	Provider   string
	T          *openapi3.T
	Raw        []byte
	Operations []Operation
	Webhooks   map[string]string // event type → schema id
	Replies    map[string]string // event type → schema id of the receiver's reply
	Envelope   Envelope
	ErrorCodes []string // the provider's documented error codes (x-error-codes)
	router     routers.Router
	byID       map[string]Operation
}

var docs sync.Map // provider → *docEntry

type docEntry struct {
	once sync.Once
	doc  *Doc
	err  error
}

// Document loads (once) and returns a provider's OpenAPI document.
func Document(provider string) (*Doc, error) {
	v, _ := docs.LoadOrStore(provider, &docEntry{})
	e := v.(*docEntry)
	e.once.Do(func() { e.doc, e.err = load(provider) })
	return e.doc, e.err
}

func load(provider string) (*Doc, error) {
	raw, err := FS.ReadFile(provider + "/openapi.yaml")
	if err != nil {
		return nil, fmt.Errorf("contracts: no OpenAPI document for %q", provider)
	}
	loader := openapi3.NewLoader()
	t, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("contracts: %s/openapi.yaml: %w", provider, err)
	}
	if err := t.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("contracts: %s/openapi.yaml is not valid OpenAPI: %w", provider, err)
	}
	d := &Doc{Provider: provider, T: t, Raw: raw, byID: map[string]Operation{}, Webhooks: map[string]string{}, Replies: map[string]string{}}
	if env, ok := t.Extensions["x-envelope"].(map[string]any); ok {
		d.Envelope.Code, _ = env["code"].(string)
		d.Envelope.SuccessField, _ = env["success_field"].(string)
		for _, v := range asAny(env["success"]) {
			d.Envelope.Success = append(d.Envelope.Success, fmt.Sprint(v))
		}
	}
	for _, c := range asAny(t.Extensions["x-error-codes"]) {
		d.ErrorCodes = append(d.ErrorCodes, fmt.Sprint(c))
	}
	for _, p := range t.Paths.InMatchingOrder() {
		item := t.Paths.Value(p)
		for method, op := range item.Operations() {
			o, err := operation(provider, method, p, op)
			if err != nil {
				return nil, err
			}
			if _, dup := d.byID[o.ID]; dup {
				return nil, fmt.Errorf("contracts: %s: operationId %q used twice", provider, o.ID)
			}
			d.byID[o.ID] = o
			d.Operations = append(d.Operations, o)
		}
	}
	sort.Slice(d.Operations, func(i, j int) bool { return d.Operations[i].ID < d.Operations[j].ID })
	if wh, ok := t.Extensions["x-webhooks"].(map[string]any); ok {
		for event, v := range wh {
			m, _ := v.(map[string]any)
			id, _ := m["x-contract"].(string)
			if id == "" {
				return nil, fmt.Errorf("contracts: %s: webhook %q has no x-contract", provider, event)
			}
			d.Webhooks[event] = provider + "/" + id
			if reply, _ := m["x-contract-reply"].(string); reply != "" {
				d.Replies[event] = provider + "/" + reply
			}
		}
	}
	if len(t.Paths.Map()) > 0 {
		// Match by method and path only: the same operations answer on the
		// real sandbox host, on mocksrv and behind a proxy.
		anyHost := *t
		anyHost.Servers = openapi3.Servers{{URL: "/"}}
		if d.router, err = gorillamux.NewRouter(&anyHost); err != nil {
			return nil, fmt.Errorf("contracts: %s: %w", provider, err)
		}
	}
	return d, nil
}

func operation(provider, method, p string, op *openapi3.Operation) (Operation, error) {
	o := Operation{Provider: provider, ID: op.OperationID, Method: method, Path: p,
		Responses: map[int]string{}, Summary: op.Summary}
	if o.ID == "" {
		return o, fmt.Errorf("contracts: %s: %s %s has no operationId", provider, method, p)
	}
	ref := func(v any) string {
		if s, _ := v.(string); s != "" {
			return provider + "/" + s
		}
		return ""
	}
	o.Request = ref(op.Extensions["x-contract-request"])
	o.Extension, _ = op.Extensions["x-mocksrv-extension"].(bool)
	if op.Responses != nil {
		for code, r := range op.Responses.Map() {
			if r.Value == nil {
				continue
			}
			id := ref(r.Value.Extensions["x-contract"])
			if id == "" {
				continue
			}
			if code == "default" {
				o.Default = id
				continue
			}
			n, err := strconv.Atoi(code)
			if err != nil {
				return o, fmt.Errorf("contracts: %s: %s: response %q", provider, o.ID, code)
			}
			o.Responses[n] = id
		}
	}
	return o, nil
}

func asAny(v any) []any {
	list, _ := v.([]any)
	return list
}

// Op returns the operation with the given id (route name).
func (d *Doc) Op(id string) (Operation, bool) {
	o, ok := d.byID[id]
	return o, ok
}

// Find returns the operation a request's method and path address, and the
// path parameters it binds.
func (d *Doc) Find(method, rawPath string) (Operation, map[string]string, bool) {
	if d.router == nil {
		return Operation{}, nil, false
	}
	u := &url.URL{Scheme: "http", Host: "mocksrv.local", Path: rawPath}
	req := &http.Request{Method: strings.ToUpper(method), URL: u, Host: u.Host}
	route, params, err := d.router.FindRoute(req)
	if err != nil {
		return Operation{}, nil, false
	}
	o, ok := d.byID[route.Operation.OperationID]
	return o, params, ok
}

// Route returns kin-openapi's route for an operation, for openapi3filter.
func (d *Doc) Route(method, rawPath string) (*routers.Route, map[string]string, error) {
	if d.router == nil {
		return nil, nil, fmt.Errorf("contracts: %s has no operations", d.Provider)
	}
	u := &url.URL{Scheme: "http", Host: "mocksrv.local", Path: rawPath}
	return d.router.FindRoute(&http.Request{Method: method, URL: u, Host: u.Host})
}

// ResponseSchema returns the schema id a provider's route answers with at
// the given status, or "" when it has none.
func ResponseSchema(provider, route string, status int) string {
	d, err := Document(provider)
	if err != nil {
		return ""
	}
	o, ok := d.Op(route)
	if !ok {
		return ""
	}
	return o.Response(status)
}

// CheckResponse validates a simulator response against its contract in
// Strict mode and returns the violations as text. serve --validate installs
// it as core.Env.CheckResponse.
func CheckResponse(provider, route string, status int, body []byte) []string {
	id := ResponseSchema(provider, route, status)
	if id == "" {
		return []string{fmt.Sprintf("no contract for %s %s status %d", provider, route, status)}
	}
	vs, err := Violations(id, body, Strict)
	if err != nil {
		return []string{err.Error()}
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = id + " " + v.String()
	}
	return out
}

// SchemaPath returns the embedded file name for a schema id.
func SchemaPath(id string) string { return path.Clean(id) }
