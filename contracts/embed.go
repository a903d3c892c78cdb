package contracts

import "embed"

// FS holds every schema and OpenAPI document, keyed by provider directory:
// "keysecure/openapi.yaml", "keysecure/card_list.response.json", ….
//
//go:embed bkj decard keysecure uqpay
var FS embed.FS

// Providers lists the providers that have contracts, in a stable order.
var Providers = []string{"bkj", "keysecure", "uqpay", "decard"}

// BaseURI is the prefix of every schema's $id.
const BaseURI = "https://mocksrv.local/contracts/"
