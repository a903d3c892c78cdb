package keysecure

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mocksrv/mocksrv/sims/core"
)

// routes registers every KeySecure endpoint, in the order of the provider's
// API list, each under its route name (the journal, fault rules and the
// OpenAPI operationId all use it).
func (s *Server) routes(r *mux.Router) {
	wire := core.Wire{Provider: Name, Identify: s.identify, WriteError: s.writeError}
	r.NotFoundHandler = s.Env.NotFound(wire)
	r.MethodNotAllowedHandler = s.Env.MethodNotAllowed(wire)

	api := r.PathPrefix(BasePath).Subrouter()
	api.Use(s.Env.Middleware(wire))
	api.Handle("/merchant/token", s.api(s.handleTokenGet)).Methods(http.MethodGet).Name("token.get")

	p := api.NewRoute().Subrouter()
	p.Use(s.authenticate)
	p.Handle("/cardholder/apply", s.api(s.handleCardholderApply)).Methods(http.MethodPost).Name("cardholder.apply")
	p.Handle("/cardholder/list", s.api(s.handleCardholderList)).Methods(http.MethodPost).Name("cardholder.list")
	p.Handle("/cardholder/{cardholder_no}/info", s.api(s.handleCardholderInfo)).Methods(http.MethodGet).Name("cardholder.info")
	p.Handle("/card/apply", s.api(s.handleCardApply)).Methods(http.MethodPost).Name("card.apply")
	p.Handle("/card/list", s.api(s.handleCardList)).Methods(http.MethodPost).Name("card.list")
	p.Handle("/card/{card_no}/detail", s.api(s.handleCardDetail)).Methods(http.MethodGet).Name("card.detail")
	p.Handle("/card/{card_no}/private/info", s.api(s.handleCardPrivateInfo)).Methods(http.MethodGet).Name("card.private_info")
	p.Handle("/card/active", s.api(s.handleCardActive)).Methods(http.MethodPost).Name("card.active")
	p.Handle("/card/status/update", s.api(s.handleCardStatusUpdate)).Methods(http.MethodPost).Name("card.status_update")
	p.Handle("/card/pin/set", s.api(s.handleCardPinSet)).Methods(http.MethodPost).Name("card.pin_set")
	p.Handle("/card/consume/{consume_no}/info", s.api(s.handleConsumeInfo)).Methods(http.MethodGet).Name("consume.info")
	p.Handle("/card/consume/list", s.api(s.handleConsumeList)).Methods(http.MethodPost).Name("consume.list")
	p.Handle("/merchant/client/{card_no}/token", s.api(s.handleClientTokenGet)).Methods(http.MethodGet).Name("client_token.get")
	// Credit-extension mode.
	p.Handle("/account/transfer", s.api(s.handleAccountTransfer)).Methods(http.MethodPost).Name("account.transfer")
	p.Handle("/account/{cardholder_no}/info", s.api(s.handleAccountInfo)).Methods(http.MethodGet).Name("account.info")
	p.Handle("/account/transfer/list", s.api(s.handleAccountTransferList)).Methods(http.MethodPost).Name("account.transfer_list")
	p.Handle("/card/package/list", s.api(s.handleCardPackageList)).Methods(http.MethodPost).Name("card_package.list")
	// Authorization mode.
	p.Handle("/card/support/bins", s.api(s.handleCardBinList)).Methods(http.MethodPost).Name("card_bin.list")
	// mocksrv extension: simulate card transactions.
	p.Handle("/sandbox/consume", s.api(s.handleSandboxConsume)).Methods(http.MethodPost).Name("sandbox.consume")
}

// RouteNames returns the name of every route, for fault-rule validation
// and the contract surface check.
func (s *Server) RouteNames() []string {
	var names []string
	_ = s.router.Walk(func(rt *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		if n := rt.GetName(); n != "" {
			names = append(names, n)
		}
		return nil
	})
	return names
}

// Router returns the mux router, for the contract surface check.
func (s *Server) Router() *mux.Router { return s.router }

func contextWithWorld(r *http.Request, w *world) context.Context {
	return context.WithValue(r.Context(), worldKey{}, w)
}

// Name returns the provider's name.
func (s *Server) Name() string { return Name }

// Prefixes returns the path prefixes KeySecure owns on a shared listener.
func (s *Server) Prefixes() []string { return []string{"/open-api/"} }
