// Package decard simulates DeCard's (DCS) card-issuing "Standard
// Authorization" API (decard-tech/dcs-official-api-docs,
// dcs-open-api-docs, dcs-api-postman, dcs-connector-java): users who
// register with an SMS code, KYC, virtual-card applications, cards you can
// freeze and unfreeze, a multi-asset wallet, simulated card
// authorisations with asset conversions, monthly statements, a WebSocket
// push stream and webhooks.
//
// # Base paths
//
// DeCard serves every group from the host root (api.uatdcd.com in the
// sandbox): /captcha/v1, /account/v1 and v2, /redirect/v1 and v2, /card/v1
// and v2, /kyc/v1, /user-asset/v1, /crypto/v1 and v2, /websocket/v1,
// /qrpay/v1, /financial-connection/v1, /simulation/v1 and v2. Every one of
// these prefixes is DeCard's on a shared listener (Spec().Prefixes), so an
// unknown path under any of them answers in DeCard's envelope. The WebSocket stream, wss://stream.uatdcd.com/ws/{channel} in
// real life, is served at /ws/{channel} on the same listener. Point a
// client at http://127.0.0.1:8080 and keep the paths.
//
// # Auth
//
// Every call but the stream carries X-DAPI-API-KEY, X-DAPI-TIMESTAMP (Unix
// ms), X-DAPI-NONCE (an integer 10000–99999) and X-DAPI-SIGN, the
// lower-case hex HMAC-SHA256 keyed with the API secret's UTF-8 text of
// apiKey + timestamp + nonce + payload, no separators; payload is the query
// string for a GET ("" without one) and the raw body otherwise (see Sign).
// A GET verifies against the query exactly as sent, and — because the Java
// connector signs its parameters unencoded but sends them URL-encoded —
// against the same query decoded pair by pair, in received order (see
// SignedPayloads); parameters are never sorted. A GET that passes only in
// the decoded form is journaled with a warning (the entry's error field,
// "warning: X-DAPI-SIGN matches the decoded query …") naming both forms; a
// tenant with strict_query_signature (WithStrictQuerySignature) refuses it
// with DAPI_SIGNATURE_ERROR. Failures, in the order they are checked:
//
//	DAPI_API_KEY_EMPTY           X-DAPI-API-KEY missing
//	DAPI_TIMESTAMP_EMPTY         X-DAPI-TIMESTAMP missing
//	DAPI_TIMESTAMP_FORMAT_ERROR  not decimal Unix milliseconds
//	DAPI_TIMESTAMP_EXPIRED       more than 5 s from the wall clock, either way (WithTimestampWindow)
//	DAPI_NONCE_ILLEGAL           not an integer 10000–99999 (WithAnyNonce), or used before
//	DAPI_SECRET_KEY_EMPTY        the API key is unknown: no secret to check with
//	DAPI_SIGNATURE_ERROR         X-DAPI-SIGN missing or wrong
//	DAPI_PERMISSION_DENIED       the client address is not on the tenant's allow-list (loopback by default)
//
// A nonce is single-use: the same (API key, timestamp, nonce) is refused
// for twice the window (WithNonceOnlyReplay refuses the nonce alone). The
// default tenant's credentials are DefaultAPIKey and DefaultAPISecret; the
// secret is Base64 of 32 bytes, so it is also the AES-256 key (after
// Base64 decoding) of mobile numbers sent encrypted
// (AES/ECB/PKCS5Padding, Base64; see Encrypt). Freshness uses the wall
// clock: moving business time never breaks auth.
//
// # Envelope
//
// Success is HTTP 200 {"code":"SYS_SUCCESS","message":null,
// "messageDetail":null,"data":…,"success":true}; failure is HTTP 200
// {"code":"<CODE>","message":"…","success":false}, the message starting
// with the code's text and naming the problem (the field, the allowed
// values). Accept-Language: zh answers in DeCard's published Chinese.
// Unknown paths answer 404 and wrong methods 405, with code
// DAPI_OPERATION_UNSUPPORTED.
//
// # Paging
//
// All 1-based; the rest differs per list (page.go):
//
//	statements, statements/detail   GET  page, rows (100, 1–100) → bare array
//	fiat/transactions               GET  page, rows (20, 1–100)  → bare array
//	user-asset/v1/transfer-query    GET  page, rows (100, 1–100) → bare array
//	card/v1/transactions            POST page, size (100, 1–100) → {total, rows}
//	user-asset/v1/transactions      POST page, size (100, 1–100) → bare array
//	qrpay/v1/order-list             GET  cursorOrderId, limit (10, 1–100) → bare array
//	financial-connection/v1/query-tran-list
//	                                POST cursor, pageSize (10, 1–100) → {cursor, tranList}
//
// The two cursor lists take the last row's id (cursorOrderId: an orderId;
// cursor: the one the previous page returned, "" when there are no more).
//
// Body page and size may be numbers or numeric strings. Any integer is a
// page number: below 1 is ACCOUNT_INVALID_PARAMETER naming page, past the
// rows an empty page however large (1000000000000000000, or beyond an
// int); a page size or limit out of its range, however large, is the same
// error naming the value sent; a cursor the list never returned (a huge or
// negative number among them) too. Lists are newest first; the statement
// list puts the open cycle (type NOT_POSTED, statementId NO_POSTED) first.
//
// Time windows (startTime, endTime: Unix milliseconds, 10-digit seconds,
// yyyy-MM-dd or yyyy-MM-dd HH:mm:ss; on card/v1/transactions and
// user-asset/v1/transactions as published, and on statements,
// statements/detail and fiat/transactions too — see Deviations) are
// inclusive, and an end covers the
// whole unit it is written in: an endTime equal to the millisecond a list
// shows for a row includes the row, though the stored time carries
// sub-milliseconds the display drops. Times beyond what the tables index
// (1677–2262) are clamped: a window ending later holds everything.
//
// # Endpoints
//
// captcha send-mobile-code; account register, kyc-status (v1 string, v2
// object), user-status, bind-invite-relationship, query-travel-rule (v1,
// v2), update-travel-rule, generate-file-upload-prepare, upload-edd-file,
// update-extra-info; redirect guidance-link (v1 by cardMantissa, v2 by
// cardId); card list, detail (v1, v2), block (v1, v2), transactions
// (deprecated), transaction/id/resolve, statements and statements/detail
// (v1, v2), fiat/transactions, virtual-card apply and detail, apply-list,
// physical-shipping-info (v1, v2); user-asset balance, transactions,
// transaction-detail, credit, debit, transfer-query; crypto network-coin,
// deposit-address (v1, v2), withdraw-apply, bank-address; websocket
// get-channel and search; simulation fund-auth (v1 by cardMantissa, v2 by
// cardId), deposit and generate-kyc-token (the last two from the Java
// connector); kyc detail; card apple-bind-wallet and google-bind-wallet
// (v1 by cardMantissa, v2 by cardId); qrpay decode, create, confirm,
// order-list and order-detail; financial-connection create-user,
// query-user-info, virtual-card apply and detail, payment,
// query-payment-info, transfer-to-spending, query-transfer-info, withdraw,
// query-withdrawal-info and query-tran-list (the Postman collection's and
// the Java connector's). v1 endpoints without cardMantissa use the user's
// first card.
//
// # Time
//
// Every transition below happens at its own due time. Moving the clock
// (the admin API, Clock.Advance) applies the due tasks one at a time in due
// order (core's WorldBase.RunDue); while a task applies, the world's Now is
// its due time, so everything it stamps — records' times, pushes' and
// webhooks' timestamps, a webhook's notificationTimestamp — is that time,
// the tasks it schedules start from it, and its webhooks are queued at it,
// in due-time order. One jump of a month and many small steps over the same
// month end in the same state and the same webhooks, byte for byte (the
// property test TestClockJumpEqualsSteps checks 200 random flows).
//
// # Lifecycles (business clock)
//
// Register: send-mobile-code (behavioral REGISTER; the code is always the
// sandbox code, DefaultSMSCode, valid 5 min; one send per number and
// purpose per 60 s, else RISK_FAILED), then register with it → a UUID
// externalUserId with KYC UNDO. Wrong codes: MFA_SMS_FAILED with the
// attempts left, MFA_FAILED_FREEZE after 5; expired or used codes
// ACCOUNT_CAPTCHA_CODE_ERROR; a code for the other purpose
// MFA_BEHAVIORAL_ERROR.
//
// KYC: UNDO → INIT (when a virtual-card application or a KYC_GUIDE link
// starts it) → PENDING (1 min) → PASS or REFUSE (3 min more). A KYC_STATUS
// push marks each step.
//
// Virtual card: apply validates every kycInfo field against DeCard's
// dictionaries (card/dictionary.md) and answers PENDING; applyRef is the
// idempotency key (Idempotency below). After the KYC passes (at once if it already had) the
// card is issued 1 min later — NORMAL, physical UN_APPLY — and the
// application turns SUCCESS (FAILED with errorCode
// DAPI_CARD_ORDER_KYC_VERIFY_FAILED when the KYC is refused). One live
// card per category per user (CARD_EXISTED); categories 10102000,
// 40102000 (NORMAL) and 20102000 (VIP).
//
// Freeze and unfreeze: block:true moves NORMAL → FROZEN (physical card
// too) with no SMS; block:false needs a CARD_UNFROZEN smsCode and moves
// FROZEN → NORMAL. Anything else is refused with CARD_FROZEN_STATUS_UNSUPPORTED,
// CARD_CARD_INACTIVE (INACTIVE) or CARD_TXN_1122020016 (CANCELLED, which is
// terminal).
//
// Money: each user's wallet holds USD, USDT, USDC (network TRON) and SGD,
// exactly (8 decimals). credit/debit move funds from/to the tenant's fund
// pool (1,000,000 of each asset). fund-auth EXPEND pays a card
// authorisation from the wallet — USD first, then USDT, USDC and SGD
// converted at the configured rates (stablecoins at par, 1 USD = 1.35 SGD)
// — records a statement row with postIndicator 0 and its assetMovements,
// and pushes BALANCE_CHANGE and CARD_TRANSACTION. Declines (frozen,
// inactive or cancelled card, low balance, the magic amount) answer
// {approved:false, errorCode} and push CARD_TRANSACTION with response D.
// An authorisation posts 24 h later (postIndicator 1, with a
// CARD_TRANSACTION_SETTLEMENT webhook) unless it waits for clearing (Card
// transactions below).
//
// Statements: monthly cycles from the 2nd 00:00 UTC to the 1st (the
// statement date, statementDateEnd); the cycle closes at the next 2nd
// 00:00: its open authorisations post on the statement date and a POSTED
// statement keeps the exact totals (paymentAmountInSgd/Usd = debits minus
// refunds, debitAmountExcludePayment = debits). The open cycle shows as
// NOT_POSTED with paymentAmount = posted rows and nonPostedAmount = rows
// not yet posted.
//
// Deposits: simulation/v1/deposit to an address from deposit-address runs
// PENDING_NORMAL → PENDING_CREDIT → SUCCESS (1 min steps) with
// ORDER_STATUS pushes, then credits the wallet (PENDING_AUDIT and FAILED
// only as Magic values steer them). withdraw-apply freezes
// amount + fee and completes after the network's arrival time.
//
// QR pay: decode reads an EMVCo merchant-presented payload (000201…, CRC
// checked; PayNow and SGQR among them; EMVCoQR builds one) or a WeChat Pay
// or Alipay https link (the merchant derived from the link, so the same
// code is always the same merchant), with the currency and amount when
// the code fixes them. create makes a PENDING order (currency and amount
// the code's, or the payer's); confirm pays it from the wallet the way a
// card spend does (USD first, then USDT, USDC and SGD converted) and
// answers SUCCESS; a wallet too small is CARD_WALLET_BALANCE_LOW and the
// order stays PENDING; an order nobody confirms is CLOSED after 15 min
// (WithQROrderTTL). A QR_ORDER_STATUS webhook marks SUCCESS, FAILED and
// CLOSED.
//
// Financial connection: create-user makes a user (userRef is the
// partner's key: the same request again answers the same user) with a
// virtual account in USD and one in SGD. Money comes in by bank transfer
// (the admin API's bank_transfers or fc_users balances;
// BANK_TRANSFER_INFO). payment takes it out of the account at once
// (SUCCESS) and settles it into the partner's fund pool after 10 min
// (settleStatus PENDING → SETTLED; WithFCSettleDelay); transfer-to-spending
// moves it into the wallet asset of the same code at once; withdraw
// freezes it (PROCESSING) and after the settle delay pays the payee the
// amount less the fee (default 0, WithFCWithdrawFee; the fee goes to the
// fund pool) — SUCCESS/SETTLED. Each is an FC_PAYMENT_INFO,
// FC_TRANSFER_INFO or FC_WITHDRAW_INFO webhook when made and when it ends;
// every movement is a row of query-tran-list. virtual-card/apply takes a
// financial-connection category (30102001) and kybInfo.companyName, and
// runs the user's review and the issuing as /card/v1/virtual-card/apply
// does.
//
// Wallet binding: apple-bind-wallet and google-bind-wallet provision a
// NORMAL card (FROZEN is CARD_FROZEN_STATUS_UNSUPPORTED, INACTIVE
// CARD_CARD_INACTIVE, CANCELLED CARD_TXN_1122020016) and answer the
// provisioning data with its vCardID; each binding is kept on the card
// (Card.Tokens). Google Pay binds once per device, Apple Pay per request.
//
// KYC detail: the user's KYC status as kyc-status v2 reports it, the
// masked mobile, the e-mail, and the kycInfo of their last application.
//
// Books: every tenant keeps, per asset, fund pool + wallets + virtual
// accounts + payments in transit = opening fund pool + money in from
// outside − money out (deposits, bank transfers and card refunds in; card
// spends, QR payments and withdrawals out). StateDump.Money and Ledger
// show it and CheckMoney asserts it; every money path above keeps it.
//
// Outcomes the real service decides (a QR confirm, a payment, a transfer,
// a withdrawal) succeed unless the admin API steers them: POST
// /_mocksrv/tenants/{id}/decard/outcomes {"externalUserId", "route"
// (qrpay.confirm, financial_connection.payment,
// financial_connection.transfer_to_spending, financial_connection.withdraw),
// "errorCode", "errorMsg", "count"} fails the user's next ones (or, with
// "id", one PENDING order or PROCESSING withdrawal); SetOutcome does the
// same from Go. A failed confirm, payment or transfer moves nothing; a
// failed withdrawal returns its amount to the account.
//
// # Card transactions
//
// What happens to a card at the network (core.CardEvent: the admin API's
// POST /_mocksrv/tenants/{id}/decard/cards/{cardId}/events and scenario
// card_event steps) is applied in DeCard's model — an authorisation is a
// statement row (debitCreditIndcator D, postIndicator 0) paid from the
// wallet when approved and announced by CARD_TRANSACTION (response A or
// D); money going back is a C row with a CARD_TRANSACTION_REFUND asset
// movement; clearing is posting (postIndicator 1, CARD_TRANSACTION_SETTLEMENT).
// The answer (contracts/decard/card_event.response.json) is fund-auth's
// {approved, errorCode}, the row as statements/detail shows it
// (transaction), the authorisation it follows (authorization) and the
// CARD_TRANSACTION push it sent (cardTransaction). A transaction is named
// by its postedTransactionId, externalTranId or outstandingTransactionId.
//
//	event       DeCard
//	authorize   kind purchase (EXPEND) or refund (REFUND): a D (C) row, decided as fund-auth decides; declined: CARD_TRANSACTION D, no row
//	reverse     a C row "Reversal" (part or all of what is left), the USD back at once; it posts with its authorisation, which posts at once when released in full
//	expire      the same, "Authorization expired"; also by itself after auth_expiry (below)
//	clear       posts the row for any amount: above the authorisation the wallet pays the difference exactly, below it gets it back
//	refund      a C row "Refund" of a posted spend, part or all, posted at once
//	increment   not published: a DeCard authorisation is one row, with no link from a later one
//	chargeback  not published: DeCard's rows and pushes have no chargeback
//	(partial approval is not published either: CARD_TRANSACTION carries no approved amount; kinds atm and transfer_out are refused)
//
// Refused events name the ones the model takes. Decline reasons (Declines,
// GET /_mocksrv/providers/decard/declines) are DeCard's own error codes as
// fund-auth's errorCode carries them — CARD_WALLET_BALANCE_LOW,
// CARD_TRANSACTION_DEDUCT_FUNDS_FAIL, CARD_FROZEN_STATUS_UNSUPPORTED,
// CARD_CARD_INACTIVE, CARD_TXN_1122020016, ACCOUNT_UNSUPPORTED_OPERATE —
// reached by an event's decline (code or text), by the card's and the
// user's state, the wallet, or the magic amount.
//
// Posting: a spend posts by itself after posting_delay (24 h), or on the
// statement date when its cycle closes first, when posting_delay is
// shorter than auth_expiry (7 days; the default). Otherwise it waits for a
// clear event and is released (an EXPIRY row) when auth_expiry runs out,
// on the Agenda at its own due time; a waiting spend still open when its
// cycle closes is carried into the next cycle rather than posted. Every
// path keeps the books (MoneyLine).
//
// Fees: statements/detail lists a FEE_COLLECT movement type, but DeCard
// publishes no fee on card transactions, so spends carry none.
//
// Not published: DeCard's Standard API has no real-time authorisation
// decision — DeCard decides; its CardBridge product forwards
// authorisations (contracts/decard/webhooks/cardbridge_authorisation.json,
// kept for its examples) but is another API, not simulated.
//
// # Push
//
// get-channel returns a channel (24 h of business time; a new one retires
// the old at once): 22 random alphanumeric characters from crypto/rand
// (130 bits), unique on the server and bound to the tenant that asked —
// never drawn from the tenant's seeded faker, so tenants of the same seed
// and fresh servers never share or predict one, and one tenant's new
// channel never takes over another's. The stream carries no X-DAPI
// headers; it is checked as DeCard documents its access: a channel
// get-channel gave out and the client address on the tenant's IP
// allow-list (DAPI_PERMISSION_DENIED otherwise). A snapshot keeps the
// channel and a restore binds it again (unless another tenant's world
// holds that id). The stream at /ws/{channel} sends every push of the
// tenant — KYC_STATUS, BALANCE_CHANGE, CARD_TRANSACTION, ORDER_STATUS — as
// {type, timestamp, version, externalUserId, data}, version counting up
// per tenant; search?version=n returns one again (as a JSON string; null
// when unknown). Every push, and CARD_APPLY, CARD_STATUS,
// CARD_PHYSICAL_SHIPPING, CARD_TRANSACTION_SETTLEMENT, QR_ORDER_STATUS,
// BANK_TRANSFER_INFO, FC_PAYMENT_INFO, FC_TRANSFER_INFO and
// FC_WITHDRAW_INFO, is also a webhook: POST of {data, eventTimestamp, externalUserId,
// notificationTimestamp, type, webhookId} with keys sorted, X-Signature =
// lower-case hex HMAC-SHA256(apiSecret, raw body) (see VerifyWebhook),
// retried by the outbox until a 2xx.
//
// # Magic values
//
// Where DeCard decides, these reserved values pick the outcome (the scheme
// is core's: emails at mocksrv.test with any +tag, texts starting
// "mocksrv:" with any ":suffix", phones +44 7700 900000–900999, amounts
// 9999.01–9999.99 — values no real person, merchant or generated token
// carries; ordinary data never fires one, which a test of 4,164 realistic
// inputs checks). The decision is made when the value arrives and stored on
// the record (its outcome: the rule's name), so a later step applies it
// without reading the value again. The request that carries one answers
// with the header X-Mocksrv-Outcome naming the rule, and its journal entry
// lists it under outcomes. The admin API reaches the same outcomes without
// a magic value: the "outcome" of users, applications, transactions and
// deposits (NewUser, NewApply, NewTransaction, NewDeposit).
//
//	rule           field                     value                 outcome
//	kyc.refuse     kycInfo.sumsubShareToken  mocksrv:kyc-refuse    the KYC review ends REFUSE; the application FAILED (DAPI_CARD_ORDER_KYC_VERIFY_FAILED)
//	kyc.hold       kycInfo.sumsubShareToken  mocksrv:kyc-hold      the KYC stays PENDING until the admin API's kyc decides it
//	kyc.edd        kycInfo.email             kyc.edd@mocksrv.test  needEddFile true; the review waits for upload-edd-file
//	card.fail      applyRef                  mocksrv:card-fail     issuing fails once the KYC passes: FAILED, CARD_TXN_SERVICE_ERROR
//	kyc.refuse     mobile (mobileCode GB)    +44 7700 900001       every KYC review of the user (a KYC_GUIDE link's too) ends REFUSE
//	kyc.hold       mobile (mobileCode GB)    +44 7700 900002       every KYC review of the user stays PENDING until the admin API decides
//	auth.decline   fund-auth amount          9999.01               declined, CARD_TRANSACTION_DEDUCT_FUNDS_FAIL
//	deposit.fail   deposit amount            9999.13               the order ends FAILED at its first step; nothing is credited
//	deposit.audit  deposit amount            9999.14               PENDING_AUDIT for 60 deposit steps (an hour), then credited
//
// A mobile is registered as mobileCode GB and mobile 7700900001 (or
// 07700900001). Outcomes that need no magic value: a fund-auth above the
// wallet is CARD_WALLET_BALANCE_LOW, one on a frozen, inactive or
// cancelled card CARD_FROZEN_STATUS_UNSUPPORTED, CARD_CARD_INACTIVE or
// CARD_TXN_1122020016; the smsCode is always the sandbox code
// (DefaultSMSCode, WithSMSCode); QR confirms and financial-connection
// payments, transfers and withdrawals fail as the admin API's outcomes
// kind steers them.
//
// # Idempotency
//
// applyRef (/card/v1/virtual-card/apply and
// /financial-connection/v1/virtual-card/apply) is idempotent, as every
// mocksrv idempotency key is: the same request again — compared as JSON
// values, so key order and whitespace do not matter — answers the first
// answer byte for byte (even after the application moved on) and changes
// nothing; a different request under the same applyRef (another user,
// kycInfo, category or route) is CARD_TRANSACTION_REPEAT_REQUEST with a
// message naming applyRef and the first field that differs ("applyRef
// order-1 was first used with a different request (kycInfo.email
// differs)"). Only successes are kept: a refused application leaves the
// applyRef free. An applyRef stays bound for the tenant's life, and a
// snapshot keeps its first request and answer. externalTranId
// (credit/debit, financial-connection money), requestRef (upload-edd-file)
// and userRef (create-user) keep their own published rules.
//
// # Quirks
//
// Reproduced on purpose, each pinned by a test: debitCreditIndcator (sic);
// statementId NO_POSTED for type NOT_POSTED; toaddress (sic) in
// ORDER_STATUS; occupation BEAUTY_CONSULTNT_STYLIST (sic); card detail data
// is an array; kyc-status v1 data is a bare string; error envelopes have no
// data and no messageDetail; HTTP 200 for every business and gateway error;
// transfer-query amounts with 18 decimals; fiat transactionCurrency numeric;
// categoryId a string though documented Long; crypto/v2 fxRate a number
// though documented String; search returns its message as a JSON string
// with ", " separators; webhook keys sorted and timestamps numbers while
// the stream's are strings; a spend's assetMovements all typed CONVERSION;
// vCardID (capital ID) in the wallet-binding answers; the QR order list
// and the financial-connection statement page by cursor, each its own way.
//
// # Client
//
// Client signs requests exactly as DeCard's Java connector does
// (StyleConnector) or as its Postman collection does (StylePostman), and
// dials the stream; SignRequest signs a hand-built request; VerifyWebhook
// checks a webhook as the connector's WebhookVerifier does. RunT starts a
// test server (frozen clock at 2026-01-01T00:00:00Z, seed 1, strict auth)
// whose NewClient is ready to use; AddUser, AddCard, Credit, Authorize,
// FreezeCard, SetKYC and friends set state up directly, CheckCardStatus,
// CheckKYCStatus and CheckBalance assert it.
//
// # Configuration
//
// Every choice listed under Deviations is a field of Settings: a With…
// option for New and RunT (WithSettings sets them all) and, for a tenant
// of the binary, a field of the tenant's "decard" object (POST
// /_mocksrv/tenants {"decard":{"timestamp_window":"30s","issue_delay":"0s"}},
// or serve --tenant-options), a field left out keeping the Server's:
// api_key and api_secret (both or neither), timestamp_window,
// any_nonce, nonce_only_replay, sms_code, sms_validity, sms_interval,
// sms_attempts, kyc_submit_delay, kyc_review_delay, issue_delay,
// posting_delay, auth_expiry, statement_day, channel_ttl, message_log, lenient_kyc_info,
// poa_max_age, fund_pool, link_base, deposit_delay, rates
// ({"SGD":"1.35"}), strict_query_signature, qr_order_ttl, fc_settle_delay
// and fc_withdraw_fee. Unknown or out-of-range fields are refused; a reset
// and a snapshot keep them.
//
// # Deviations
//
// Where DeCard's docs are silent mocksrv chooses, and says so here:
//   - HTTP 200 for every failure except unknown paths (404) and methods
//     (405), both DAPI_OPERATION_UNSUPPORTED; the published status is [?].
//   - An unknown API key is DAPI_SECRET_KEY_EMPTY (the Standard
//     Authorization list has no DAPI_INVALID_API_KEY). Signatures compare
//     case-insensitively. The window applies both ways.
//   - Invalid parameters answer ACCOUNT_INVALID_PARAMETER (DeCard's only
//     generic parameter code) naming the field; English messages are our
//     glosses of the published Chinese ones.
//   - SMS: one send per number and purpose per 60 s (WithSMSInterval), 5
//     wrong codes (WithSMSAttempts); the withdraw-apply smsCode is checked
//     against the sandbox code (no behavioral issues it).
//   - KYC timing (1 min to PENDING, 3 min review; WithKYCDelays), issuing
//     (1 min; WithIssueDelay), posting (24 h; WithPostingDelay), statement
//     day (1st; WithStatementDay), deposit steps (1 min; WithDepositDelay).
//   - Application statuses PENDING, SUCCESS, FAILED (only PENDING is
//     published); failure codes DAPI_CARD_ORDER_KYC_VERIFY_FAILED (from
//     CardBridge) and CARD_TXN_SERVICE_ERROR.
//   - Card detail without cardMantissa lists every card of the user; v2
//     detail adds cardId to each card; the v2 shapes of statements, shipping
//     and guidance-link are v1's with cardId for cardMantissa.
//   - Guidance links are not opened by anyone: making one stands for the
//     user completing the page (KYC_GUIDE starts the KYC,
//     CREATE_PHYSICAL_CARD orders the physical card — shipped after a day,
//     delivered three days later — ACTIVE_PHYSICAL_CARD activates it). Link
//     host WithLinkBase.
//   - kycInfo: every field required and dictionary-checked; a dated
//     proof of address must be within 90 days (75 for FR; WithPOAMaxAge).
//     WithLenientKYCInfo (lenient_kyc_info) accepts what the Java connector
//     sends (it lacks email, jobSeniority and sourceOfFundsCountry); the
//     refusal of those three fields names that switch.
//   - GET signatures: DeCard's docs sign the query string as sent; the
//     decoded form (the Java connector's, and the Postman collection's for
//     a value it has to escape) is accepted with a journaled warning, and
//     refused by WithStrictQuerySignature (strict_query_signature).
//   - Rates (WithRate): USD 1, USDT 1, USDC 1, SGD 1.35, EUR 0.92, GBP
//     0.79, HKD 7.8, CNY 7.2, JPY 150 units per USD; fund-auth takes those
//     currencies with up to 2 decimals, amounts up to 1,000,000. Statement
//     USD and SGD amounts are both kept; caBalance is always 0.
//   - fund-auth answers {approved, errorCode} (the Java connector's model)
//     and also takes authType REFUND (a credit) and an optional
//     merchantName.
//   - get-channel ignores its parameters; the search of an unknown version
//     answers data null; a stream reader more than 1,024 messages behind
//     is dropped (search recovers the rest). The stream needs no X-DAPI
//     headers: its channel (22 alphanumeric characters, 130 random bits;
//     DeCard's published example has 19) and the tenant's IP allow-list
//     (as for API calls, checked in strict auth only) guard it.
//   - A reused applyRef with a different request is
//     CARD_TRANSACTION_REPEAT_REQUEST (DeCard's "duplicate transaction
//     request"; it publishes no code for this case).
//   - PENDING_AUDIT is published, its threshold is not: deposits reach it
//     only as the deposit.audit rule steers them (it lasts 60 deposit
//     steps). The magic values are mocksrv's, not DeCard's sandbox's.
//   - A webhook's notificationTimestamp is the due time of the step that
//     sent it; eventTimestamp is when its event happened, which may be
//     earlier (an authorisation posted on its statement date).
//   - Webhook bodies are compact with nested keys sorted too; their data
//     for CARD_APPLY, CARD_STATUS, CARD_PHYSICAL_SHIPPING and
//     CARD_TRANSACTION_SETTLEMENT is the application, {cardId,
//     cardMantissa, cardStatus, physicalCardStatus}, the shipping info and
//     the statement row (DeCard publishes none of them).
//   - Guidance links, deposit addresses and bank accounts point at
//     mocksrv hosts or are made up; nothing is uploaded to the upload URLs.
//   - QR pay, financial connection, wallet binding and KYC detail: DeCard
//     publishes the requests (Postman collection) and, for financial
//     connection and wallet binding, the Java connector's response models,
//     nothing more. The QR decode and order shapes (qrType, paymentScheme,
//     merchant fields, deductAmount in USD, deductions, createTime,
//     expireTime, payTime), the KYC detail shape (the share token left
//     out), all statuses (QR PENDING, SUCCESS, FAILED, CLOSED; payments
//     SUCCESS or FAILED with settleStatus PENDING or SETTLED; withdrawals
//     PROCESSING, SUCCESS, FAILED), the virtual accounts' bank (DBS, made
//     up), their numbers (885 + 14 digits), the financial-connection
//     category 30102001, the transTypes of query-tran-list (BANK_TRANSFER,
//     PAYMENT, TRANSFER_TO_SPENDING, WITHDRAW, WITHDRAW_REFUND) and the
//     webhook data of QR_ORDER_STATUS, BANK_TRANSFER_INFO and FC_*_INFO
//     (the API answers; webhooks only, not on the stream) are mocksrv's.
//   - QR orders take USD, SGD, EUR, GBP, HKD, CNY and JPY with up to 2
//     decimals, at most 1,000,000; clientIP must be an IP address. A code's
//     own currency and amount cannot be overridden.
//   - Financial connection: USD and SGD accounts; amounts up to 1,000,000
//     with 2 decimals; externalTranId 1–64 characters, unique per kind and
//     tenant; the query-*-info lookups are tenant-wide (they take no
//     externalUserId); a withdrawal's payeeBankSwiftBic must be a BIC, its
//     payeeBankCountryCode (optional) the BIC's country, its
//     purposeOfPayment (optional) an ISO 20022 code. Refusals before
//     anything moves are error envelopes (CARD_WALLET_BALANCE_LOW,
//     CARD_TRANSACTION_REPEAT_REQUEST, …); failures the admin API steers
//     are records with status FAILED and errorCode (default
//     CARD_TRANSACTION_DEDUCT_FUNDS_FAIL for a QR confirm or payment,
//     CARD_TXN_SERVICE_ERROR for a transfer or withdrawal).
//   - Wallet binding: Apple Pay needs applePublicCertificates, appleNonce
//     and appleNonceSignature in Base64 (the connector's own checks);
//     Google Pay needs clientCustomerId and deviceId (the connector checks
//     only externalUserId). The provisioning data are random bytes of the
//     right shape (Base64; the ephemeral key a 65-byte EC point), not
//     anything a wallet could use; vCardIDs look like MDES token
//     references (DAPLMC…, DWSPMC…).
//   - billingCurrency and balanceCurrency of card detail are always USD.
//   - Card events (Card transactions): DeCard publishes how an
//     authorisation, a refund and a posting look, not how reversals,
//     expiry or clearing for another amount show. mocksrv's choices: a
//     reversal or expiry is a C row (transactionDescription "Reversal",
//     "Authorization expired") posting with its authorisation; clearing
//     changes the row's transactionAmount and posting amounts to what
//     cleared; a refund is a C row "Refund" posted at once; clearing above
//     what the wallet can pay is refused with CARD_WALLET_BALANCE_LOW.
//     Authorisations wait for clearing only when posting_delay is not
//     shorter than auth_expiry (WithAuthExpiry; default 7 days).
//   - fiat/transactions lists credited on-chain deposits as C rows of
//     their USD value (transactionCurrency 840, channel T) with the units,
//     asset, network, addresses and txHash in transferDetails; the
//     published example shows the fields, not which records fill them.
//   - statements, statements/detail and fiat/transactions publish no time
//     window; they take startTime and endTime as the transaction lists do
//     (a statement when its period meets the window, a row by its time),
//     rather than ignore them.
package decard
