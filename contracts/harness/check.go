package harness

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/mocksrv/mocksrv/contracts"
)

// CheckOptions configures CheckFiles.
type CheckOptions struct {
	Provider    string
	Operation   string // "METHOD /real/path" (or an operationId) for plain JSON files
	Part        string // request or response, for plain JSON files (default: from the name)
	Webhook     string // event type: the files are webhook or callback payloads
	DocExamples bool   // placeholders satisfy string rules
	Strict      bool   // unknown fields fail
}

func (o CheckOptions) mode() contracts.Mode {
	if o.DocExamples {
		return contracts.DocStrict // strict variant: unknown fields are reported; they fail only with Strict
	}
	return contracts.Strict
}

// CheckFiles validates every file (and every JSON/HAR file under every
// directory) named in paths.
func CheckFiles(opts CheckOptions, paths ...string) (*Report, error) {
	doc, err := contracts.Document(opts.Provider)
	if err != nil {
		return nil, err
	}
	rep := &Report{Tool: "check", Provider: opts.Provider, Strict: opts.Strict, Mode: "strict"}
	if opts.DocExamples {
		rep.Mode = "doc-examples"
	}
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(q, ".json") || strings.HasSuffix(q, ".har") || strings.HasSuffix(q, ".json.txt")) {
				files = append(files, q)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	examples, _ := contracts.Examples(opts.Provider)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(f, ".har") || isHAR(b) {
			rs, err := checkHAR(doc, opts, f, b)
			if err != nil {
				rep.Results = append(rep.Results, Result{Provider: opts.Provider, Source: f, Error: err.Error()})
				continue
			}
			rep.Results = append(rep.Results, rs...)
			continue
		}
		rep.Results = append(rep.Results, checkJSONFile(doc, opts, examples, f, b))
	}
	rep.Finish()
	return rep, nil
}

// checkJSONFile validates one body. Its contract comes from the flags, or
// from its file name: a published example listed in the provider's OpenAPI
// document, or "<operationId>.request.json" / "<operationId>.response.json".
func checkJSONFile(doc *contracts.Doc, opts CheckOptions, examples []contracts.Example, file string, body []byte) Result {
	r := Result{Provider: doc.Provider, Source: file}
	base := filepath.Base(file)
	switch {
	case opts.Webhook != "":
		r.Webhook, r.Operation, r.Part = true, opts.Webhook, "push"
		if opts.Part == "reply" {
			r.Part, r.Schema = "reply", doc.Replies[opts.Webhook]
		} else {
			r.Schema = doc.Webhooks[opts.Webhook]
		}
		if r.Schema == "" {
			r.Error = fmt.Sprintf("%s has no contract for webhook %q (known: %s)", doc.Provider, opts.Webhook, strings.Join(sortedKeys(doc.Webhooks), ", "))
			return r
		}
	case opts.Operation != "":
		op, err := findOperation(doc, opts.Operation)
		if err != nil {
			r.Error = err.Error()
			return r
		}
		r.Operation, r.Method, r.Path = op.ID, strings.ToUpper(op.Method), op.Path
		r.Part = partOf(opts.Part, base)
		r.Schema = op.Request
		if r.Part == "response" {
			r.Schema = op.Response(200)
		}
	default:
		ex, ok := exampleFor(doc.Provider, examples, base)
		if !ok {
			r.Error = fmt.Sprintf("cannot tell which operation %s belongs to: name it <operationId>.response.json, or pass --operation \"METHOD /path\" or --webhook EVENT", base)
			return r
		}
		if ex.Unchecked != "" {
			r.Operation, r.Skipped = ex.File, ex.Unchecked
			return r
		}
		r.Operation, r.Part, r.Schema, r.Webhook = ex.Op, ex.Part, ex.Schema, ex.Webhook != ""
		if r.Webhook {
			r.Operation = ex.Webhook
		}
		if r.Operation == "" {
			r.Operation = strings.TrimSuffix(ex.Schema[strings.Index(ex.Schema, "/")+1:], ".json")
		}
		if ex.BadJSON {
			if _, err := contracts.Decode(body); err != nil {
				r.Skipped = "published as invalid JSON (a typo in the provider's docs, listed in its OpenAPI document); its fixed copy is checked instead"
				return r
			}
		}
	}
	if r.Schema == "" {
		r.Skipped = fmt.Sprintf("%s has no %s schema", r.Operation, r.Part)
		return r
	}
	inst, err := contracts.Decode(body)
	if err != nil {
		r.Error = "not valid JSON: " + err.Error()
		return r
	}
	r.instance = inst
	r.Violations, _ = contracts.Violations(r.Schema, body, opts.mode())
	if r.Part == "response" {
		r.Variant = variant(doc.Envelope, 200, inst)
	}
	return r
}

func partOf(flag, base string) string {
	if flag != "" {
		return flag
	}
	if strings.Contains(base, ".request") {
		return "request"
	}
	return "response"
}

// exampleFor matches a file name to a published example, or to
// "<operationId>.<part>[.anything].json".
func exampleFor(provider string, examples []contracts.Example, base string) (contracts.Example, bool) {
	for _, ex := range examples {
		if ex.File == base {
			return ex, true
		}
	}
	name := strings.TrimSuffix(strings.TrimSuffix(base, ".txt"), ".json")
	for _, ex := range examples {
		if strings.TrimSuffix(ex.File, ".json") == name {
			return ex, true
		}
	}
	if m := opFileName.FindStringSubmatch(name); m != nil {
		for _, ex := range examples {
			if ex.Op == m[1] && ex.Part == m[2] {
				return ex, true
			}
		}
		if doc, err := contracts.Document(provider); err == nil {
			if op, ok := doc.Op(m[1]); ok {
				schema := op.Request
				if m[2] == "response" {
					schema = op.Response(200)
				}
				return contracts.Example{Provider: provider, File: base, Schema: schema, Op: op.ID, Part: m[2]}, true
			}
		}
	}
	return contracts.Example{}, false
}

// opFileName reads "<operationId>.<request|response>[.anything]".
var opFileName = regexp.MustCompile(`^(.+?)\.(request|response)(\..*)?$`)

// findOperation resolves "METHOD /path" (templates matched) or an
// operationId.
func findOperation(doc *contracts.Doc, spec string) (contracts.Operation, error) {
	if method, path, ok := strings.Cut(strings.TrimSpace(spec), " "); ok {
		if op, _, found := doc.Find(method, strings.TrimSpace(path)); found {
			return op, nil
		}
		return contracts.Operation{}, fmt.Errorf("%s has no operation %s", doc.Provider, spec)
	}
	if op, ok := doc.Op(spec); ok {
		return op, nil
	}
	return contracts.Operation{}, fmt.Errorf("%s has no operation %q (give \"METHOD /path\" or an operationId)", doc.Provider, spec)
}

// checkHAR validates every entry of a HAR file whose path belongs to the
// provider: the request body against the request schema, the response
// body against the schema for its status.
func checkHAR(doc *contracts.Doc, opts CheckOptions, file string, b []byte) ([]Result, error) {
	h, err := ReadHAR(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var out []Result
	for i, e := range h.Log.Entries {
		path := entryPath(e.Request.URL)
		src := fmt.Sprintf("%s#%d %s %s", file, i+1, e.Request.Method, path)
		op, _, ok := doc.Find(e.Request.Method, path)
		if !ok {
			out = append(out, Result{Provider: doc.Provider, Source: src, Method: e.Request.Method, Path: path,
				Skipped: "no " + doc.Provider + " operation for this method and path"})
			continue
		}
		var reqBody []byte
		if e.Request.PostData != nil {
			reqBody = []byte(e.Request.PostData.Text)
		}
		respBody, err := e.Response.Content.Body()
		if err != nil {
			return nil, fmt.Errorf("%s: response content: %w", src, err)
		}
		out = append(out, checkExchange(doc, op, opts.mode(), src, e.Request.Method, path, reqBody, e.Response.Status, respBody)...)
	}
	return out, nil
}

// checkExchange validates one request/response pair.
func checkExchange(doc *contracts.Doc, op contracts.Operation, mode contracts.Mode, src, method, path string, reqBody []byte, status int, respBody []byte) []Result {
	var out []Result
	if op.Request != "" && len(bytes.TrimSpace(reqBody)) > 0 {
		out = append(out, checkBody(doc, op, mode, src, method, path, "request", op.Request, 0, reqBody))
	}
	schema := op.Response(status)
	if schema == "" {
		out = append(out, Result{Provider: doc.Provider, Operation: op.ID, Part: "response", Source: src, Method: method, Path: path,
			Status: status, Error: fmt.Sprintf("status %d is not documented for %s", status, op.ID)})
		return out
	}
	return append(out, checkBody(doc, op, mode, src, method, path, "response", schema, status, respBody))
}

func checkBody(doc *contracts.Doc, op contracts.Operation, mode contracts.Mode, src, method, path, part, schema string, status int, body []byte) Result {
	r := Result{Provider: doc.Provider, Operation: op.ID, Part: part, Source: src, Method: method, Path: path, Status: status, Schema: schema}
	inst, err := contracts.Decode(body)
	if err != nil {
		r.Error = "not valid JSON: " + err.Error()
		if status != 0 {
			r.Variant = fmt.Sprintf("http %d", status)
		}
		return r
	}
	r.instance = inst
	if part == "response" {
		r.Variant = variant(doc.Envelope, status, inst)
	}
	vs, err := contracts.Violations(schema, body, mode)
	if err != nil && !errors.Is(err, contracts.ErrNoSchema) {
		r.Error = err.Error()
	}
	r.Violations = vs
	return r
}
