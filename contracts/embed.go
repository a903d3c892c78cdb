package contracts

import (
	"embed"
	"io/fs"
	"sort"
)

// FS holds every schema and OpenAPI document, keyed by provider directory:
// "keysecure/openapi.yaml", "keysecure/card_list.response.json", …. A
// provider's directory is embedded by the patterns alone: adding one needs
// no change here.
//
//go:embed */openapi.yaml */*.json */examples */webhooks
var FS embed.FS

// Providers lists the providers that have contracts (a directory with an
// openapi.yaml), sorted.
var Providers = func() []string {
	var out []string
	entries, _ := fs.ReadDir(FS, ".")
	for _, e := range entries {
		if _, err := fs.Stat(FS, e.Name()+"/openapi.yaml"); e.IsDir() && err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}()

// BaseURI is the prefix of every schema's $id.
const BaseURI = "https://mocksrv.local/contracts/"
