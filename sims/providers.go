package sims

// The providers a Fleet serves. Adding a provider touches this file only:
// its entry in providerTable, its field in Servers and its With… option.

import (
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
	"github.com/mocksrv/mocksrv/sims/keysecure"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// Servers are a Fleet's simulators, each nil when not enabled. They offer
// the same Go API as a provider run on its own (AddCard, FreezeCard,
// Check…), on the Fleet's shared Env.
type Servers struct {
	BKJ       *bkj.Server
	KeySecure *keysecure.Server
	UQPay     *uqpay.Server
	DeCard    *decard.Server
}

// providerOptions are the options a Fleet passes to each simulator.
type providerOptions struct {
	bkj       []bkj.Option
	keysecure []keysecure.Option
	uqpay     []uqpay.Option
	decard    []decard.Option
}

// WithBKJ passes options to the bkj simulator.
func WithBKJ(opts ...bkj.Option) Option {
	return func(c *config) error { c.bkj = append(c.bkj, opts...); return nil }
}

// WithKeySecure passes options to the KeySecure simulator.
func WithKeySecure(opts ...keysecure.Option) Option {
	return func(c *config) error { c.keysecure = append(c.keysecure, opts...); return nil }
}

// WithUQPay passes options to the UQPay simulator.
func WithUQPay(opts ...uqpay.Option) Option {
	return func(c *config) error { c.uqpay = append(c.uqpay, opts...); return nil }
}

// WithDeCard passes options to the DeCard simulator.
func WithDeCard(opts ...decard.Option) Option {
	return func(c *config) error { c.decard = append(c.decard, opts...); return nil }
}

// providerEntry builds one simulator on a Fleet's Env; enabled, it also
// fills the simulator's field of Servers.
type providerEntry struct {
	spec  func() core.ClientSpec
	build func(f *Fleet, env *core.Env, enabled bool) (core.Provider, error)
}

// providerTable lists every provider mocksrv simulates, in a stable order.
var providerTable = []providerEntry{
	{bkj.Spec, func(f *Fleet, env *core.Env, enabled bool) (core.Provider, error) {
		s, err := bkj.New(append([]bkj.Option{bkj.WithEnv(env)}, f.cfg.bkj...)...)
		if err != nil {
			return nil, err
		}
		if enabled {
			f.BKJ = s
		}
		return core.ProviderOf(s.Host), nil
	}},
	{keysecure.Spec, func(f *Fleet, env *core.Env, enabled bool) (core.Provider, error) {
		s, err := keysecure.New(append([]keysecure.Option{keysecure.WithEnv(env)}, f.cfg.keysecure...)...)
		if err != nil {
			return nil, err
		}
		if enabled {
			f.KeySecure = s
		}
		return core.ProviderOf(s.Host), nil
	}},
	{uqpay.Spec, func(f *Fleet, env *core.Env, enabled bool) (core.Provider, error) {
		s, err := uqpay.New(append([]uqpay.Option{uqpay.WithEnv(env)}, f.cfg.uqpay...)...)
		if err != nil {
			return nil, err
		}
		if enabled {
			f.UQPay = s
		}
		return core.ProviderOf(s.Host), nil
	}},
	{decard.Spec, func(f *Fleet, env *core.Env, enabled bool) (core.Provider, error) {
		s, err := decard.New(append([]decard.Option{decard.WithEnv(env)}, f.cfg.decard...)...)
		if err != nil {
			return nil, err
		}
		if enabled {
			f.DeCard = s
		}
		return core.ProviderOf(s.Host), nil
	}},
}

// AllProviders lists every provider mocksrv simulates, in a stable order.
var AllProviders = func() []string {
	names := make([]string, len(providerTable))
	for i, p := range providerTable {
		names[i] = p.spec().Name
	}
	return names
}()

// Specs returns how to talk to every provider mocksrv simulates, in
// AllProviders order: the scenario runner, the load test and the contract
// harness build their clients from them.
func Specs() []core.ClientSpec {
	out := make([]core.ClientSpec, len(providerTable))
	for i, p := range providerTable {
		out[i] = p.spec()
	}
	return out
}

// SpecOf returns the spec of the provider name, or of the provider that
// owns path when name is "".
func SpecOf(name, path string) (core.ClientSpec, bool) {
	for _, s := range Specs() {
		if s.Name == name || name == "" && s.Owns(path) {
			return s, true
		}
	}
	return core.ClientSpec{}, false
}
