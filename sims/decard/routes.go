package decard

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

// routes registers every DeCard endpoint, in the order of DeCard's API
// reference (captcha, account, redirect, card, kyc, asset, wallet,
// websocket, then the collection's qrpay, financial-connection and
// simulation), each under its route name (the journal, fault rules and the
// OpenAPI operationId all use it). v1 and v2 of an endpoint are distinct
// routes: card.detail and card.detail_v2.
func (s *Server) routes(r *core.Router) {
	// The stream authenticates by its secret channel id, not X-DAPI headers.
	r.HandleFunc(http.MethodGet, "/ws/{channel}", "stream.connect", s.handleStream)
	_, api := core.RouteFuncs(r, "", s.api, s.authenticate)
	// once routes a call idempotent under its applyRef (issue 13's one
	// rule; envelope.go's applyOnce).
	_, once := core.RouteFuncs(r, "", s.applyOnce, s.authenticate)
	get, post := http.MethodGet, http.MethodPost

	api(post, "/captcha/v1/send-mobile-code", "captcha.send_mobile_code", s.handleCaptchaSend)

	api(post, "/account/v1/register", "account.register", s.handleAccountRegister)
	api(get, "/account/v1/kyc-status", "account.kyc_status", s.handleKYCStatus)
	api(get, "/account/v2/kyc-status", "account.kyc_status_v2", s.handleKYCStatusV2)
	api(get, "/account/v1/user-status", "account.user_status", s.handleUserStatus)
	api(post, "/account/v1/bind-invite-relationship", "account.bind_invite_relationship", s.handleBindInvite)
	api(get, "/account/v1/query-travel-rule", "account.query_travel_rule", s.handleQueryTravelRule)
	api(get, "/account/v2/query-travel-rule", "account.query_travel_rule_v2", s.handleQueryTravelRule)
	api(post, "/account/v1/update-travel-rule", "account.update_travel_rule", s.handleUpdateTravelRule)
	api(post, "/account/v1/generate-file-upload-prepare", "account.file_upload_prepare", s.handleUploadPrepare)
	api(post, "/account/v1/upload-edd-file", "account.upload_edd_file", s.handleUploadEDD)
	api(post, "/account/v1/update-extra-info", "account.update_extra_info", s.handleUpdateExtraInfo)

	api(post, "/redirect/v1/guidance-link", "redirect.guidance_link", s.handleGuidanceLink)
	api(post, "/redirect/v2/guidance-link", "redirect.guidance_link_v2", s.handleGuidanceLinkV2)

	api(get, "/card/v1/list", "card.list", s.handleCardList)
	api(get, "/card/v1/detail", "card.detail", s.handleCardDetail)
	api(get, "/card/v2/detail", "card.detail_v2", s.handleCardDetailV2)
	api(post, "/card/v1/block", "card.block", s.handleCardBlock)
	api(post, "/card/v2/block", "card.block_v2", s.handleCardBlockV2)
	api(post, "/card/v1/transactions", "card.transactions", s.handleCardTransactions)
	api(post, "/card/v1/transaction/id/resolve", "card.transaction_id_resolve", s.handleTransactionIDResolve)
	api(get, "/card/v1/statements", "card.statements", s.handleStatements)
	api(get, "/card/v2/statements", "card.statements_v2", s.handleStatementsV2)
	api(get, "/card/v1/statements/detail", "card.statement_detail", s.handleStatementDetail)
	api(get, "/card/v2/statements/detail", "card.statement_detail_v2", s.handleStatementDetailV2)
	api(get, "/card/v1/fiat/transactions", "card.fiat_transactions", s.handleFiatTransactions)
	once(post, "/card/v1/virtual-card/apply", "card.virtual_apply", s.handleVirtualApply)
	api(get, "/card/v1/virtual-card/detail", "card.virtual_detail", s.handleVirtualDetail)
	api(get, "/card/v1/apply-list", "card.apply_list", s.handleApplyList)
	api(get, "/card/v1/physical-shipping-info", "card.physical_shipping_info", s.handleShippingInfo)
	api(get, "/card/v2/physical-shipping-info", "card.physical_shipping_info_v2", s.handleShippingInfoV2)
	api(post, "/card/v1/apple-bind-wallet", "card.apple_bind_wallet", s.handleAppleBindWallet)
	api(post, "/card/v2/apple-bind-wallet", "card.apple_bind_wallet_v2", s.handleAppleBindWalletV2)
	api(post, "/card/v1/google-bind-wallet", "card.google_bind_wallet", s.handleGoogleBindWallet)
	api(post, "/card/v2/google-bind-wallet", "card.google_bind_wallet_v2", s.handleGoogleBindWalletV2)

	api(get, "/kyc/v1/detail", "kyc.detail", s.handleKYCDetail)

	api(get, "/user-asset/v1/balance", "asset.balance", s.handleBalance)
	api(post, "/user-asset/v1/transactions", "asset.transactions", s.handleAssetTransactions)
	api(post, "/user-asset/v1/transaction-detail", "asset.transaction_detail", s.handleAssetDetail)
	api(post, "/user-asset/v1/credit", "asset.credit", s.handleCredit)
	api(post, "/user-asset/v1/debit", "asset.debit", s.handleDebit)
	api(get, "/user-asset/v1/transfer-query", "asset.transfer_query", s.handleTransferQuery)

	api(get, "/crypto/v1/network-coin", "crypto.network_coin", s.handleNetworkCoin)
	api(get, "/crypto/v1/deposit-address", "crypto.deposit_address", s.handleDepositAddress)
	api(get, "/crypto/v2/deposit-address", "crypto.deposit_address_v2", s.handleDepositAddressV2)
	api(post, "/crypto/v1/withdraw-apply", "crypto.withdraw_apply", s.handleWithdrawApply)
	api(post, "/crypto/v1/bank-address", "crypto.bank_address", s.handleBankAddress)

	api(get, "/websocket/v1/get-channel", "websocket.get_channel", s.handleGetChannel)
	api(get, "/websocket/v1/search", "websocket.search", s.handleSearch)

	api(post, "/qrpay/v1/decode", "qrpay.decode", s.handleQRDecode)
	api(post, "/qrpay/v1/create", "qrpay.create", s.handleQRCreate)
	api(post, "/qrpay/v1/confirm", "qrpay.confirm", s.handleQRConfirm)
	api(get, "/qrpay/v1/order-list", "qrpay.order_list", s.handleQROrderList)
	api(get, "/qrpay/v1/order-detail", "qrpay.order_detail", s.handleQROrderDetail)

	fc := "/financial-connection/v1"
	api(post, fc+"/create-user", "financial_connection.create_user", s.handleFCCreateUser)
	api(get, fc+"/query-user-info", "financial_connection.query_user_info", s.handleFCQueryUser)
	once(post, fc+"/virtual-card/apply", "financial_connection.virtual_apply", s.handleFCVirtualApply)
	api(get, fc+"/virtual-card/detail", "financial_connection.virtual_detail", s.handleFCVirtualDetail)
	api(post, fc+"/payment", "financial_connection.payment", s.handleFCPayment)
	api(get, fc+"/query-payment-info", "financial_connection.query_payment_info", s.handleFCPaymentInfo)
	api(post, fc+"/transfer-to-spending", "financial_connection.transfer_to_spending", s.handleFCTransfer)
	api(get, fc+"/query-transfer-info", "financial_connection.query_transfer_info", s.handleFCTransferInfo)
	api(post, fc+"/withdraw", "financial_connection.withdraw", s.handleFCWithdraw)
	api(get, fc+"/query-withdrawal-info", "financial_connection.query_withdrawal_info", s.handleFCWithdrawalInfo)
	api(post, fc+"/query-tran-list", "financial_connection.query_tran_list", s.handleFCTranList)

	api(post, "/simulation/v1/fund-auth", "simulation.fund_auth", s.handleFundAuth)
	api(post, "/simulation/v2/fund-auth", "simulation.fund_auth_v2", s.handleFundAuthV2)
	api(post, "/simulation/v1/deposit", "simulation.deposit", s.handleSimDeposit)
	api(post, "/simulation/v1/generate-kyc-token", "simulation.generate_kyc_token", s.handleKYCToken)
}
