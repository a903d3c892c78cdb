package core

// Direct helpers reach the default tenant's world without HTTP: a
// provider's AddCard, Card, Cards… are one call of these around one line
// of provider logic, run with the world locked and settled as a request
// would run.

// Read returns f's answer on the default tenant's world, locked and
// settled; the zero T when there is no default tenant.
func Read[W World, T any](ws *Worlds[W], f func(w W) T) T {
	var v T
	_ = ws.Do(DefaultTenant, func(w W) error { v = f(w); return nil })
	return v
}

// Find is Read for a lookup that reports whether it found something.
func Find[W World, T any](ws *Worlds[W], f func(w W) (T, bool)) (T, bool) {
	var v T
	var ok bool
	_ = ws.Do(DefaultTenant, func(w W) error { v, ok = f(w); return nil })
	return v, ok
}

// Change runs f on the default tenant's world, locked and settled, and
// returns what it returns, or the error that there is no default tenant.
func Change[W World, T any](ws *Worlds[W], f func(w W) (T, error)) (T, error) {
	var v T
	err := ws.Do(DefaultTenant, func(w W) (err error) { v, err = f(w); return err })
	return v, err
}
