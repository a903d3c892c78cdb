package bkj

// Debug endpoints — bkj "服务调试" (GET请求调试, POST请求调试): a signed
// request that passes authentication is echoed back as the server saw it.

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

type debugJSON struct {
	Method            string `json:"method"`
	Path              string `json:"path"`
	Query             string `json:"query"`
	CanonicalQuery    string `json:"canonical_query"`
	APIKey            string `json:"api_key"`
	Timestamp         string `json:"timestamp"`
	Nonce             string `json:"nonce"`
	Signature         string `json:"signature"`
	Body              string `json:"body"`
	NormalizedBody    string `json:"normalized_body"`
	BodyHash          string `json:"body_hash"`
	StringToSign      string `json:"string_to_sign"`
	ExpectedSignature string `json:"expected_signature"`
	SignatureValid    bool   `json:"signature_valid"`
	ServerTime        int64  `json:"server_time"`
}

// handleDebug handles "GET /openapi/v1/debug/get" and "POST
// /openapi/v1/debug/post" (any JSON body, or none): it echoes what
// authentication saw of the request, sn.
func (s *Server) handleDebug(sn *seen) apiFunc {
	return func(r *http.Request) (any, error) {
		sn := sn
		if sn == nil { // lenient or off auth checked no signature: see it now
			sn = s.observe(r, s.worldFor(r))
		}
		out := debugJSON{
			Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, CanonicalQuery: sn.CanonicalQuery, APIKey: sn.APIKey,
			Timestamp: sn.Timestamp, Nonce: sn.Nonce, Signature: sn.Signature, Body: string(core.Body(r)),
			NormalizedBody: string(sn.Normalized), BodyHash: sn.BodyHash, StringToSign: sn.StringToSign,
			SignatureValid: sn.Valid, ServerTime: s.Clock.Wall().Unix(),
		}
		if s.settingsOf(r).ShowStringToSign {
			out.ExpectedSignature = sn.Expected
		}
		return out, nil
	}
}
