package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
)

// ProxyOptions configures a Proxy.
type ProxyOptions struct {
	Provider string
	Upstream string    // base URL requests are forwarded to, unchanged
	Strict   bool      // unknown fields fail
	Live     io.Writer // where violations are printed as they happen (nil: nowhere)
	Record   bool      // keep a redacted HAR of every exchange
}

// Proxy is a validating, recording reverse proxy. Requests go upstream
// unchanged (signatures intact). Each request is checked against its
// operation's request schema and OpenAPI parameters (that is how a
// client's code is checked) and each response against its response
// schema. GET /_mocksrv/journal on the proxy lists every check so far.
type Proxy struct {
	opts ProxyOptions
	doc  *contracts.Doc
	rp   *httputil.ReverseProxy

	mu      sync.Mutex // guards results and har
	results []Result
	har     HAR
	seq     int
}

// NewProxy returns a proxy for one provider.
func NewProxy(opts ProxyOptions) (*Proxy, error) {
	doc, err := contracts.Document(opts.Provider)
	if err != nil {
		return nil, err
	}
	up, err := url.Parse(opts.Upstream)
	if err != nil || up.Scheme == "" || up.Host == "" {
		return nil, fmt.Errorf("--upstream %q: want a base URL like https://sandbox.example.com", opts.Upstream)
	}
	p := &Proxy{opts: opts, doc: doc}
	p.har.Log = HARLog{Version: "1.2", Creator: HARCreator{Name: "mocksrv contract proxy", Version: "1"}, Entries: []HAREntry{}}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(up)
			pr.Out.Host = up.Host
		},
	}
	return p, nil
}

// ServeHTTP forwards one exchange and checks it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_mocksrv/") {
		p.serveJournal(w, r)
		return
	}
	start := core.WallNow()
	reqBody, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	r.ContentLength = int64(len(reqBody))

	rec := &captureWriter{ResponseWriter: w, status: http.StatusOK}
	p.rp.ServeHTTP(rec, r)

	p.mu.Lock()
	p.seq++
	src := fmt.Sprintf("proxy #%d %s %s", p.seq, r.Method, r.URL.Path)
	p.mu.Unlock()
	results := p.check(r, reqBody, rec.status, rec.body.Bytes(), src)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.results = append(p.results, results...)
	if p.opts.Record {
		p.har.Log.Entries = append(p.har.Log.Entries, harEntry(r, reqBody, rec, start))
	}
	p.printLive(results)
}

// check validates the request (parameters, headers and body) and the
// response of one exchange.
func (p *Proxy) check(r *http.Request, reqBody []byte, status int, respBody []byte, src string) []Result {
	op, params, ok := p.doc.Find(r.Method, r.URL.Path)
	if !ok {
		return []Result{{Provider: p.doc.Provider, Source: src, Method: r.Method, Path: r.URL.Path,
			Skipped: "no " + p.doc.Provider + " operation for this method and path"}}
	}
	out := checkExchange(p.doc, op, contracts.Strict, src, r.Method, r.URL.Path, reqBody, status, respBody)
	if vs := p.checkParameters(r, params); len(vs) > 0 {
		out = append([]Result{{Provider: p.doc.Provider, Operation: op.ID, Part: "request", Source: src, Method: r.Method,
			Path: r.URL.Path, Schema: p.doc.Provider + "/openapi.yaml", Violations: vs}}, out...)
	}
	return out
}

// checkParameters validates path, query and header parameters (the auth
// headers among them) against the OpenAPI document with kin-openapi.
func (p *Proxy) checkParameters(r *http.Request, params map[string]string) []contracts.Violation {
	route, _, err := p.doc.Route(r.Method, r.URL.Path)
	if err != nil {
		return nil
	}
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{ExcludeRequestBody: true, MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidator("uuid", uuidFormat)}},
	}
	err = openapi3filter.ValidateRequest(context.Background(), in)
	if err == nil {
		return nil
	}
	var out []contracts.Violation
	var walk func(error)
	walk = func(e error) {
		switch me := e.(type) {
		case openapi3.MultiError: // kin-openapi's list of errors, one per parameter
			for _, x := range me {
				walk(x)
			}
			return
		case interface{ Unwrap() []error }:
			for _, x := range me.Unwrap() {
				walk(x)
			}
			return
		}
		v := contracts.Violation{Keyword: "parameter", Message: e.Error()}
		if re, ok := e.(*openapi3filter.RequestError); ok && re.Parameter != nil {
			v.Pointer = fmt.Sprintf("(%s) %s", re.Parameter.In, re.Parameter.Name)
			v.Message = re.Reason
			if re.Err != nil {
				v.Message = strings.TrimSpace(v.Message + " " + re.Err.Error())
			}
			if v.Message == "" {
				v.Message = "invalid"
			}
		}
		out = append(out, v)
	}
	walk(err)
	return out
}

// uuidFormat checks OpenAPI's "uuid" string format (x-idempotency-key),
// which kin-openapi leaves unchecked unless told how.
var uuidFormat = openapi3.NewRegexpFormatValidator(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (p *Proxy) printLive(results []Result) {
	if p.opts.Live == nil {
		return
	}
	for _, r := range results {
		switch {
		case r.Skipped != "":
			fmt.Fprintf(p.opts.Live, "SKIP %s %s: %s\n", r.Method, r.Path, r.Skipped)
		case r.Failed(p.opts.Strict):
			fmt.Fprintf(p.opts.Live, "FAIL %s %s %s", r.Method, r.Path, r.Name())
			if r.Error != "" {
				fmt.Fprintf(p.opts.Live, ": %s", r.Error)
			}
			fmt.Fprintln(p.opts.Live)
			for _, v := range r.Violations {
				fmt.Fprintf(p.opts.Live, "     %s: %s [rule: %s] value: %s\n", orRoot(v.Pointer), v.Message, v.Keyword, v.Value)
			}
		default:
			fmt.Fprintf(p.opts.Live, "ok   %s %s %s\n", r.Method, r.Path, r.Name())
		}
	}
}

// Report returns the report of every exchange so far.
func (p *Proxy) Report() *Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	rep := &Report{Tool: "proxy", Provider: p.doc.Provider, Strict: p.opts.Strict, Mode: "strict",
		Results: append([]Result(nil), p.results...)}
	rep.Finish()
	return rep
}

// HAR returns the redacted recording so far.
func (p *Proxy) HAR() *HAR {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.har
	h.Log.Entries = append([]HAREntry(nil), p.har.Log.Entries...)
	return &h
}

func (p *Proxy) serveJournal(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	switch r.URL.Path {
	case "/_mocksrv/journal":
		p.mu.Lock()
		res := append([]Result(nil), p.results...)
		p.mu.Unlock()
		_ = enc.Encode(map[string]any{"results": res, "count": len(res)})
	case "/_mocksrv/report":
		_ = p.Report().WriteJSON(w)
	default:
		w.WriteHeader(http.StatusNotFound)
		_ = enc.Encode(map[string]string{"error": "not_found", "message": "the proxy serves /_mocksrv/journal and /_mocksrv/report"})
	}
}

// captureWriter passes a response through and keeps a copy of it.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	header http.Header
}

func (c *captureWriter) WriteHeader(s int) {
	c.status = s
	c.header = c.ResponseWriter.Header().Clone()
	c.ResponseWriter.WriteHeader(s)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.header == nil {
		c.header = c.ResponseWriter.Header().Clone()
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

// Flush implements http.Flusher for streamed responses.
func (c *captureWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func harEntry(r *http.Request, reqBody []byte, rec *captureWriter, start interface{ UnixNano() int64 }) HAREntry {
	e := HAREntry{}
	e.StartedDateTime = core.WallNow().UTC()
	e.Request = HARRequest{Method: r.Method, URL: r.URL.String(), HTTPVersion: "HTTP/1.1",
		Headers: RedactHeaders(headerList(r.Header)), QueryString: queryList(r.URL.RawQuery), Cookies: []HARHeader{},
		HeadersSize: -1, BodySize: len(reqBody)}
	if len(reqBody) > 0 {
		e.Request.PostData = &HARPost{MimeType: mimeOf(r.Header), Text: string(RedactBody(reqBody))}
	}
	body := RedactBody(rec.body.Bytes())
	e.Response = HARResponse{Status: rec.status, StatusText: http.StatusText(rec.status), HTTPVersion: "HTTP/1.1",
		Headers: RedactHeaders(headerList(rec.header)), Cookies: []HARHeader{},
		Content: HARContent{Size: len(body), MimeType: mimeOf(rec.header), Text: string(body)}, HeadersSize: -1, BodySize: len(body)}
	e.Time = float64(core.WallNow().UnixNano()-start.UnixNano()) / 1e6
	e.Timings = HARTimings{Wait: e.Time}
	return e
}
