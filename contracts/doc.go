// Package contracts is mocksrv's single source of truth for what the four
// providers send and receive: one JSON Schema (draft 2020-12) per endpoint
// and direction, envelope schemas shared through $ref, one per webhook or
// callback event, and one OpenAPI 3 document per provider describing the
// surface (paths, methods, parameters, auth headers). Every operation in an
// OpenAPI document carries its route name as operationId and points at its
// body schemas with extensions:
//
//	x-contract-request: card_list.request.json       (on the operation)
//	x-contract:         card_list.response.json      (on each response)
//	x-webhooks: {Card_update: webhooks/card_update.json}  (document level)
//
// The same schemas check three things: the simulators' responses (in tests,
// and at run time with serve --validate), the providers' published examples,
// and — through the contract-test harness — real sandboxes and client code.
//
// Schemas are compiled once, in three modes derived from the same files:
// Exact is the schema as written; Strict additionally refuses properties the
// schema does not declare (the simulators must meet it); DocExamples lets a
// placeholder ("" or "<string>") satisfy any string rule — enum, const,
// format, pattern, length — of its field and accepts values a schema lists
// under x-doc-values (errata in the provider's published examples), while
// keys, types and required fields are still checked. The schemas the
// simulators must meet are never loosened for examples.
package contracts
