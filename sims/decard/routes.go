package decard

import (
	"net/http"

	"github.com/gorilla/mux"
)

// routes registers every DeCard endpoint, in the order of DeCard's API
// reference (captcha, account, redirect, card, kyc, asset, wallet,
// websocket, then the collection's qrpay, financial-connection and
// simulation), each under its route name (the journal, fault rules and the
// OpenAPI operationId all use it). v1 and v2 of an endpoint are distinct
// routes: card.detail and card.detail_v2.
func (s *Server) routes(r *mux.Router) {
	// The stream authenticates by its secret channel id, not X-DAPI headers.
	r.HandleFunc("/ws/{channel}", s.handleStream).Methods(http.MethodGet).Name("stream.connect")
	// Routes are flat (no subrouters): gorilla/mux loses 405 answers through
	// subrouters, so auth wraps each API route instead.
	get := func(path, name string, h apiFunc) {
		r.Handle(path, s.authenticate(s.api(h))).Methods(http.MethodGet).Name(name)
	}
	post := func(path, name string, h apiFunc) {
		r.Handle(path, s.authenticate(s.api(h))).Methods(http.MethodPost).Name(name)
	}

	post("/captcha/v1/send-mobile-code", "captcha.send_mobile_code", s.handleCaptchaSend)

	post("/account/v1/register", "account.register", s.handleAccountRegister)
	get("/account/v1/kyc-status", "account.kyc_status", s.handleKYCStatus)
	get("/account/v2/kyc-status", "account.kyc_status_v2", s.handleKYCStatusV2)
	get("/account/v1/user-status", "account.user_status", s.handleUserStatus)
	post("/account/v1/bind-invite-relationship", "account.bind_invite_relationship", s.handleBindInvite)
	get("/account/v1/query-travel-rule", "account.query_travel_rule", s.handleQueryTravelRule)
	get("/account/v2/query-travel-rule", "account.query_travel_rule_v2", s.handleQueryTravelRule)
	post("/account/v1/update-travel-rule", "account.update_travel_rule", s.handleUpdateTravelRule)
	post("/account/v1/generate-file-upload-prepare", "account.file_upload_prepare", s.handleUploadPrepare)
	post("/account/v1/upload-edd-file", "account.upload_edd_file", s.handleUploadEDD)
	post("/account/v1/update-extra-info", "account.update_extra_info", s.handleUpdateExtraInfo)

	post("/redirect/v1/guidance-link", "redirect.guidance_link", s.handleGuidanceLink)
	post("/redirect/v2/guidance-link", "redirect.guidance_link_v2", s.handleGuidanceLinkV2)

	get("/card/v1/list", "card.list", s.handleCardList)
	get("/card/v1/detail", "card.detail", s.handleCardDetail)
	get("/card/v2/detail", "card.detail_v2", s.handleCardDetailV2)
	post("/card/v1/block", "card.block", s.handleCardBlock)
	post("/card/v2/block", "card.block_v2", s.handleCardBlockV2)
	post("/card/v1/transactions", "card.transactions", s.handleCardTransactions)
	post("/card/v1/transaction/id/resolve", "card.transaction_id_resolve", s.handleTransactionIDResolve)
	get("/card/v1/statements", "card.statements", s.handleStatements)
	get("/card/v2/statements", "card.statements_v2", s.handleStatementsV2)
	get("/card/v1/statements/detail", "card.statement_detail", s.handleStatementDetail)
	get("/card/v2/statements/detail", "card.statement_detail_v2", s.handleStatementDetailV2)
	get("/card/v1/fiat/transactions", "card.fiat_transactions", s.handleFiatTransactions)
	post("/card/v1/virtual-card/apply", "card.virtual_apply", s.handleVirtualApply)
	get("/card/v1/virtual-card/detail", "card.virtual_detail", s.handleVirtualDetail)
	get("/card/v1/apply-list", "card.apply_list", s.handleApplyList)
	get("/card/v1/physical-shipping-info", "card.physical_shipping_info", s.handleShippingInfo)
	get("/card/v2/physical-shipping-info", "card.physical_shipping_info_v2", s.handleShippingInfoV2)
	post("/card/v1/apple-bind-wallet", "card.apple_bind_wallet", s.handleAppleBindWallet)
	post("/card/v2/apple-bind-wallet", "card.apple_bind_wallet_v2", s.handleAppleBindWalletV2)
	post("/card/v1/google-bind-wallet", "card.google_bind_wallet", s.handleGoogleBindWallet)
	post("/card/v2/google-bind-wallet", "card.google_bind_wallet_v2", s.handleGoogleBindWalletV2)

	get("/kyc/v1/detail", "kyc.detail", s.handleKYCDetail)

	get("/user-asset/v1/balance", "asset.balance", s.handleBalance)
	post("/user-asset/v1/transactions", "asset.transactions", s.handleAssetTransactions)
	post("/user-asset/v1/transaction-detail", "asset.transaction_detail", s.handleAssetDetail)
	post("/user-asset/v1/credit", "asset.credit", s.handleCredit)
	post("/user-asset/v1/debit", "asset.debit", s.handleDebit)
	get("/user-asset/v1/transfer-query", "asset.transfer_query", s.handleTransferQuery)

	get("/crypto/v1/network-coin", "crypto.network_coin", s.handleNetworkCoin)
	get("/crypto/v1/deposit-address", "crypto.deposit_address", s.handleDepositAddress)
	get("/crypto/v2/deposit-address", "crypto.deposit_address_v2", s.handleDepositAddressV2)
	post("/crypto/v1/withdraw-apply", "crypto.withdraw_apply", s.handleWithdrawApply)
	post("/crypto/v1/bank-address", "crypto.bank_address", s.handleBankAddress)

	get("/websocket/v1/get-channel", "websocket.get_channel", s.handleGetChannel)
	get("/websocket/v1/search", "websocket.search", s.handleSearch)

	post("/qrpay/v1/decode", "qrpay.decode", s.handleQRDecode)
	post("/qrpay/v1/create", "qrpay.create", s.handleQRCreate)
	post("/qrpay/v1/confirm", "qrpay.confirm", s.handleQRConfirm)
	get("/qrpay/v1/order-list", "qrpay.order_list", s.handleQROrderList)
	get("/qrpay/v1/order-detail", "qrpay.order_detail", s.handleQROrderDetail)

	fc := "/financial-connection/v1"
	post(fc+"/create-user", "financial_connection.create_user", s.handleFCCreateUser)
	get(fc+"/query-user-info", "financial_connection.query_user_info", s.handleFCQueryUser)
	post(fc+"/virtual-card/apply", "financial_connection.virtual_apply", s.handleFCVirtualApply)
	get(fc+"/virtual-card/detail", "financial_connection.virtual_detail", s.handleFCVirtualDetail)
	post(fc+"/payment", "financial_connection.payment", s.handleFCPayment)
	get(fc+"/query-payment-info", "financial_connection.query_payment_info", s.handleFCPaymentInfo)
	post(fc+"/transfer-to-spending", "financial_connection.transfer_to_spending", s.handleFCTransfer)
	get(fc+"/query-transfer-info", "financial_connection.query_transfer_info", s.handleFCTransferInfo)
	post(fc+"/withdraw", "financial_connection.withdraw", s.handleFCWithdraw)
	get(fc+"/query-withdrawal-info", "financial_connection.query_withdrawal_info", s.handleFCWithdrawalInfo)
	post(fc+"/query-tran-list", "financial_connection.query_tran_list", s.handleFCTranList)

	post("/simulation/v1/fund-auth", "simulation.fund_auth", s.handleFundAuth)
	post("/simulation/v2/fund-auth", "simulation.fund_auth_v2", s.handleFundAuthV2)
	post("/simulation/v1/deposit", "simulation.deposit", s.handleSimDeposit)
	post("/simulation/v1/generate-kyc-token", "simulation.generate_kyc_token", s.handleKYCToken)
}
