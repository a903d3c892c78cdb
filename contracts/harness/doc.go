// Package harness turns the contracts into the tools a team runs in CI:
//
//   - Test runs a scripted conversation against any server that speaks a
//     provider (the real sandbox or mocksrv), signing requests the
//     provider's way, and validates every response — successes and
//     provoked errors — against the schemas.
//   - CheckFiles validates recorded bodies: plain JSON files (named by the
//     operation or the published example they are) and HAR files from a
//     browser, Postman or a proxy.
//   - Proxy is a validating, recording reverse proxy: a client points at
//     it, requests go upstream unchanged, requests are checked against the
//     request schemas (that is how the client's code is checked) and
//     responses against the response schemas.
//
// All three produce a Report: per-check results with the JSON pointer, the
// rule broken and the value seen; coverage (operations and response
// variants exercised and never touched); and drift (fields the schema does
// not know, types that differ, undocumented enum values, documented fields
// never seen). Reports render as text, JUnit XML and JSON.
package harness
