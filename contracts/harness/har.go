package harness

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"
)

// HAR is the HTTP Archive 1.2 subset mocksrv reads and writes: what a
// browser, Postman or a proxy exports.
type HAR struct {
	Log HARLog `json:"log"`
}

// HARLog is a HAR file's log.
type HARLog struct {
	Version string     `json:"version"`
	Creator HARCreator `json:"creator"`
	Entries []HAREntry `json:"entries"`
}

// HARCreator names the tool that wrote the file.
type HARCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// HAREntry is one exchange.
type HAREntry struct {
	StartedDateTime time.Time   `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         HARRequest  `json:"request"`
	Response        HARResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         HARTimings  `json:"timings"`
}

// HARTimings are an entry's timings in ms.
type HARTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// HARRequest is an entry's request.
type HARRequest struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Headers     []HARHeader `json:"headers"`
	QueryString []HARHeader `json:"queryString"`
	Cookies     []HARHeader `json:"cookies"`
	PostData    *HARPost    `json:"postData,omitempty"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
}

// HARPost is a request body.
type HARPost struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

// HARResponse is an entry's response.
type HARResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Headers     []HARHeader `json:"headers"`
	Cookies     []HARHeader `json:"cookies"`
	Content     HARContent  `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
}

// HARContent is a response body.
type HARContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Encoding string `json:"encoding,omitempty"`
}

// HARHeader is a name/value pair.
type HARHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Body returns the response body, decoding Base64 content.
func (c HARContent) Body() ([]byte, error) {
	if c.Encoding == "base64" {
		return base64.StdEncoding.DecodeString(c.Text)
	}
	return []byte(c.Text), nil
}

// ReadHAR reads a HAR file.
func ReadHAR(r io.Reader) (*HAR, error) {
	var h HAR
	if err := json.NewDecoder(r).Decode(&h); err != nil {
		return nil, fmt.Errorf("not a HAR file: %w", err)
	}
	if h.Log.Entries == nil {
		return nil, fmt.Errorf("not a HAR file: no log.entries")
	}
	return &h, nil
}

// isHAR reports whether a JSON document looks like a HAR file.
func isHAR(b []byte) bool {
	var probe struct {
		Log *struct {
			Entries json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	return json.Unmarshal(b, &probe) == nil && probe.Log != nil && probe.Log.Entries != nil
}

// WriteHAR writes h as indented JSON to path.
func WriteHAR(path string, h *HAR) error {
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// entryPath returns the URL path of a HAR entry.
func entryPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Path
}

func headerList(h map[string][]string) []HARHeader {
	var out []HARHeader
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, HARHeader{Name: k, Value: v})
		}
	}
	return out
}

func queryList(raw string) []HARHeader {
	q, _ := url.ParseQuery(raw)
	var out []HARHeader
	for k, vs := range q {
		for _, v := range vs {
			out = append(out, HARHeader{Name: k, Value: v})
		}
	}
	return out
}

func mimeOf(h map[string][]string) string {
	for k, v := range h {
		if strings.EqualFold(k, "Content-Type") && len(v) > 0 {
			return v[0]
		}
	}
	return "application/json"
}
