package bkj

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

// routes registers every bkj endpoint, in the order of the docs' menu, each
// under its route name (the journal, fault rules and the OpenAPI
// operationId all use it).
func (s *Server) routes(r *core.Router) {
	public, private := core.RouteFuncs(r, BasePath, s.api, s.authenticate)
	// A debug endpoint's handler is made from what authentication saw.
	debug := func(method, path, name string) {
		r.Handle(method, BasePath+path, name, s.authenticateSeen(func(sn *seen) http.Handler { return s.api(s.handleDebug(sn)) }))
	}
	get, post, put, del := http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete

	// 公共服务: no signature needed.
	public(get, "/config", "config.get", s.handleConfigGet)

	// 用户
	private(post, "/users", "user.register", s.handleUserRegister)
	private(get, "/users", "user.list", s.handleUserList)
	private(get, "/users/{id}", "user.detail", s.handleUserDetail)
	private(get, "/users/{id}/kyc-token", "user.kyc_token", s.handleUserKYCToken)
	private(get, "/users/{id}/kyc-link", "user.kyc_link", s.handleUserKYCLink)
	// 卡业务
	private(get, "/card/channels", "card_channel.list", s.handleChannelList)
	private(get, "/card/addresses", "card_address.list", s.handleAddressList)
	private(post, "/card/addresses", "card_address.create", s.handleAddressCreate)
	private(put, "/card/addresses/{id}", "card_address.update", s.handleAddressUpdate)
	private(del, "/card/addresses/{id}", "card_address.delete", s.handleAddressDelete)
	private(post, "/card/apply", "card.apply", s.handleCardApply)
	private(post, "/card/activate", "card.activate", s.handleCardActivate)
	private(get, "/card/list", "card.list", s.handleCardList)
	private(get, "/card/detail", "card.detail", s.handleCardDetail)
	private(get, "/card/cvv", "card.cvv", s.handleCardCVV)
	private(get, "/card/transactions", "card_transaction.list", s.handleCardTxList)
	private(get, "/card/transactions/{id}", "card_transaction.detail", s.handleCardTxDetail)
	private(post, "/card/no-pin-amount", "card.no_pin_amount", s.handleCardNoPinAmount)
	private(post, "/card/pin", "card.pin", s.handleCardPIN)
	private(post, "/card/freeze", "card.freeze", s.handleCardFreeze)
	private(post, "/card/unfreeze", "card.unfreeze", s.handleCardUnfreeze)
	// 钱包
	private(get, "/wallet/list", "wallet.list", s.handleWalletList)
	private(get, "/wallet/chains", "chain.list", s.handleChainList)
	private(post, "/wallet/address", "wallet_address.create", s.handleWalletAddressCreate)
	private(get, "/wallet/detail", "wallet.detail", s.handleWalletDetail)
	private(get, "/wallet/payees", "payee.list", s.handlePayeeList)
	private(get, "/wallet/payees/{id}", "payee.detail", s.handlePayeeDetail)
	private(post, "/wallet/payees", "payee.create", s.handlePayeeCreate)
	private(put, "/wallet/payees/{id}", "payee.update", s.handlePayeeUpdate)
	private(del, "/wallet/payees/{id}", "payee.delete", s.handlePayeeDelete)
	private(post, "/wallet/withdraw", "withdrawal.create", s.handleWithdrawalCreate)
	// The same operation at the path bkj publishes (docs.bkj.com/434553996e0).
	private(post, "/wallet/create-withdrawal", "wallet.create_withdrawal", s.handleWithdrawalCreate)
	private(post, "/wallet/withdraw/cancel", "withdrawal.cancel", s.handleWithdrawalCancel)
	private(post, "/wallet/transfer", "wallet.transfer", s.handleWalletTransfer)
	private(post, "/wallet/transfer-to-card", "wallet.transfer_to_card", s.handleWalletTransferToCard)
	private(get, "/wallet/transactions", "wallet_transaction.list", s.handleWalletTxList)
	private(get, "/wallet/transactions/{id}", "wallet_transaction.detail", s.handleWalletTxDetail)
	// 服务调试
	debug(get, "/debug/get", "debug.get")
	debug(post, "/debug/post", "debug.post")
	// mocksrv extension: simulate card transactions.
	private(post, "/sandbox/card/authorize", "sandbox.authorize", s.handleSandboxAuthorize)
}
