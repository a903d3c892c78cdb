package uqpay

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

// routes registers every UQPay endpoint, in the order of providers.md
// §3.5, each under its route name (the journal, fault rules and the
// OpenAPI operationId all use it). Fixed paths under /issuing/cards come
// before /issuing/cards/{id} so they are not read as card ids.
func (s *Server) routes(r *core.Router) {
	public, private := core.RouteFuncs(r, BasePath, s.api, s.authenticate)
	get, post, del := http.MethodGet, http.MethodPost, http.MethodDelete

	public(post, "/connect/token", "token.create", s.handleTokenCreate)
	// mocksrv extension: the secure iframe's view of a one-time PAN token.
	public(get, "/mocksrv/pan_tokens/{token}", "pan_token.redeem", s.handlePANTokenRedeem)

	private(post, "/issuing/cardholders", "cardholder.create", s.handleCardholderCreate)
	private(get, "/issuing/cardholders", "cardholder.list", s.handleCardholderList)
	private(get, "/issuing/cardholders/{id}", "cardholder.retrieve", s.handleCardholderRetrieve)
	private(post, "/issuing/cardholders/{id}", "cardholder.update", s.handleCardholderUpdate)
	private(get, "/issuing/products", "product.list", s.handleProductList)

	private(post, "/issuing/cards/activate", "card.activate", s.handleCardActivate)
	private(post, "/issuing/cards/pin", "card.reset_pin", s.handleCardResetPIN)
	private(post, "/issuing/cards/manage/pin", "card.manage_pin", s.handleCardManagePIN)
	private(post, "/issuing/cards/assign", "card.assign", s.handleCardAssign)
	private(get, "/issuing/cards/arts", "card_art.list", s.handleCardArtList)
	private(post, "/issuing/cards/arts/default", "card_art.set_default", s.handleCardArtSetDefault)

	private(post, "/issuing/cards", "card.create", s.handleCardCreate)
	private(get, "/issuing/cards", "card.list", s.handleCardList)
	private(get, "/issuing/cards/{id}", "card.retrieve", s.handleCardRetrieve)
	private(post, "/issuing/cards/{id}", "card.update", s.handleCardUpdate)
	private(get, "/issuing/cards/{id}/secure", "card.secure", s.handleCardSecure)
	private(post, "/issuing/cards/{id}/status", "card.update_status", s.handleCardUpdateStatus)
	private(post, "/issuing/cards/{id}/recharge", "card.recharge", s.handleCardRecharge)
	private(post, "/issuing/cards/{id}/withdraw", "card.withdraw", s.handleCardWithdraw)
	private(get, "/issuing/cards/{order_id}/order", "card_order.retrieve", s.handleCardOrderRetrieve)
	private(post, "/issuing/cards/{id}/token", "card.create_pan_token", s.handleCardCreatePANToken)
	private(post, "/issuing/cards/{id}/elevate_limit", "card.elevate_limit", s.handleCardElevateLimit)
	private(post, "/issuing/cards/{id}/risk", "card.enroll_network_protection", s.handleCardEnrollNetworkProtection)
	private(del, "/issuing/cards/{id}/risk", "card.remove_network_protection", s.handleCardRemoveNetworkProtection)

	private(get, "/issuing/transactions", "transaction.list", s.handleTransactionList)
	private(post, "/issuing/transactions/unsolicited_refund/release", "transaction.release_unsolicited_refund", s.handleTransactionReleaseUnsolicitedRefund)
	private(get, "/issuing/transactions/{id}", "transaction.retrieve", s.handleTransactionRetrieve)

	private(post, "/issuing/balances", "balance.retrieve", s.handleBalanceRetrieve)
	private(get, "/issuing/balances", "balance.list", s.handleBalanceList)
	private(get, "/issuing/balances/transactions", "balance_transaction.list", s.handleBalanceTransactionList)
	private(post, "/issuing/transfers", "transfer.create", s.handleTransferCreate)
	private(get, "/issuing/transfers/{id}", "transfer.retrieve", s.handleTransferRetrieve)
	private(post, "/issuing/reports", "report.create", s.handleReportCreate)
	private(get, "/issuing/reports/{id}", "report.download", s.handleReportDownload)
	private(get, "/issuing/merchant_brands", "merchant_brand.list", s.handleMerchantBrandList)

	// Connect: the connected accounts x-on-behalf-of names.
	private(get, "/accounts", "account.list", s.handleAccountList)
	private(get, "/accounts/{id}", "account.retrieve", s.handleAccountRetrieve)

	private(post, "/simulation/issuing/authorization", "simulation.authorization", s.handleSimulationAuthorization)
	private(post, "/simulation/issuing/reversal", "simulation.reversal", s.handleSimulationReversal)
	private(post, "/simulation/deposit", "simulation.deposit", s.handleSimulationDeposit)
}
