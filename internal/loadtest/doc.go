// Package loadtest drives a mocksrv with many concurrent clients across
// several tenants, mixing reads and writes for a bounded time, then checks
// the invariants a stateful fake must keep: no 5xx, no dropped request,
// money conserved in every tenant, every card created listed exactly once,
// and no tenant able to see another's data. It is for mocksrv's own tests
// and bench/load, not for users.
package loadtest
