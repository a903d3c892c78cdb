// Command load runs mocksrv's load test against a running server: many
// concurrent clients across several tenants, mixing reads and writes for a
// bounded time, then the invariants (no 5xx, no dropped request, money
// conserved per tenant, every created card listed once, no cross-tenant
// leak). It exits 1 if any is broken.
//
//	go run ./cmd/mocksrv serve --allow-ips any &
//	go run ./bench/load -target http://127.0.0.1:8080 -tenants 8 -workers 16 -duration 60s
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/mocksrv/mocksrv/internal/loadtest"
)

func main() {
	target := flag.String("target", "http://127.0.0.1:8080", "the mocksrv to load")
	tenants := flag.Int("tenants", 8, "tenants")
	workers := flag.Int("workers", 8, "concurrent clients per tenant")
	duration := flag.Duration("duration", 30*time.Second, "how long the clients run")
	seed := flag.Uint64("seed", uint64(time.Now().Unix()), "operation mix seed")
	token := flag.String("admin-token", os.Getenv("MOCKSRV_ADMIN_TOKEN"), "the server's admin token, if it has one")
	flag.Parse()
	rep, err := loadtest.Run(context.Background(), loadtest.Options{Target: *target, Tenants: *tenants, Workers: *workers, Duration: *duration, Seed: *seed, AdminToken: *token})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("%d requests in %s: %.0f requests/s across %d tenants x %d clients\n", rep.Requests, rep.Duration.Round(time.Millisecond), rep.Throughput, *tenants, *workers)
	routes := make([]string, 0, len(rep.ByRoute))
	for route := range rep.ByRoute {
		routes = append(routes, route)
	}
	sort.Strings(routes)
	fmt.Printf("  %-40s %9s %9s\n", "route", "requests", "refused")
	for _, route := range routes {
		fmt.Printf("  %-40s %9d %9d\n", route, rep.ByRoute[route], rep.Refused[route])
	}
	if !rep.OK() {
		fmt.Println("FAILED:")
		for _, e := range rep.Errors {
			fmt.Println("  ", e)
		}
		os.Exit(1)
	}
	fmt.Println("OK: no 5xx, no dropped request, money conserved, every card listed once, no cross-tenant leak")
}
