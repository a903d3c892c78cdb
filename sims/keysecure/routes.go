package keysecure

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

// routes registers every KeySecure endpoint, in the order of the provider's
// API list, each under its route name (the journal, fault rules and the
// OpenAPI operationId all use it).
func (s *Server) routes(r *core.Router) {
	public, private := core.RouteFuncs(r, BasePath, s.api, s.authenticate)
	// once routes a call idempotent under a business unique number (issue
	// 13): the same request again is the first answer; a different one is
	// the conflict code.
	once := func(method, path, name, key, update string, conflict int, h apiFunc) {
		r.Handle(method, BasePath+path, name, s.authenticate(s.unique(key, update, conflict, h)))
	}
	get, post := http.MethodGet, http.MethodPost

	public(get, "/merchant/token", "token.get", s.handleTokenGet)
	once(post, "/cardholder/apply", "cardholder.apply", "cardholder_unique_no", "cardholder_no", 2001, s.handleCardholderApply)
	private(post, "/cardholder/list", "cardholder.list", s.handleCardholderList)
	private(get, "/cardholder/{cardholder_no}/info", "cardholder.info", s.handleCardholderInfo)
	once(post, "/card/apply", "card.apply", "card_unique_no", "", 4003, s.handleCardApply)
	private(post, "/card/list", "card.list", s.handleCardList)
	private(get, "/card/{card_no}/detail", "card.detail", s.handleCardDetail)
	private(get, "/card/{card_no}/private/info", "card.private_info", s.handleCardPrivateInfo)
	private(post, "/card/active", "card.active", s.handleCardActive)
	private(post, "/card/status/update", "card.status_update", s.handleCardStatusUpdate)
	private(post, "/card/pin/set", "card.pin_set", s.handleCardPinSet)
	private(get, "/card/consume/{consume_no}/info", "consume.info", s.handleConsumeInfo)
	private(post, "/card/consume/list", "consume.list", s.handleConsumeList)
	private(get, "/merchant/client/{card_no}/token", "client_token.get", s.handleClientTokenGet)
	// Credit-extension mode.
	once(post, "/account/transfer", "account.transfer", "transfer_unique_no", "", 3002, s.handleAccountTransfer)
	private(get, "/account/{cardholder_no}/info", "account.info", s.handleAccountInfo)
	private(post, "/account/transfer/list", "account.transfer_list", s.handleAccountTransferList)
	private(post, "/card/package/list", "card_package.list", s.handleCardPackageList)
	// Authorization mode.
	private(post, "/card/support/bins", "card_bin.list", s.handleCardBinList)
	// mocksrv extension: simulate card transactions.
	private(post, "/sandbox/consume", "sandbox.consume", s.handleSandboxConsume)
}
