// Package uqpay simulates UQPay's Card Issuance API v1.6
// (developers.uqpay.com/card-issuance/v1.6) closely enough that a team
// using the official Go SDK github.com/uqpay/uqpay-sdk-go/v2 runs its
// whole issuing flow against it unchanged: token refresh, cardholders,
// products, cards, card orders, status changes, recharge and withdraw,
// secure data, transactions, balances, transfers, the sandbox simulators
// (authorization, reversal, deposit), and webhooks its verifier accepts —
// and so that its authdecision handler answers mocksrv's PGP-encrypted
// Authorization Decision requests unchanged.
// What the official Node SDK (uqpay/uqpay-node) reads beyond it is there
// too: products' kyc_level and required_fields, kyc_insufficient's
// missing_fields, cardholders' idv_* fields.
//
// # Base path
//
// /api/v1 on the host (api-sandbox.uqpaytech.com in real life). The SDK's
// Environment.BaseURL ends in /api and its paths start with /v1, so point it
// at http://127.0.0.1:8080/api (Server.URL()+"/api" for a RunT server).
//
// # Auth
//
// POST /api/v1/connect/token with x-client-id and x-api-key (no body)
// answers {auth_token, expired_at}: an HS256 JWT, keyed with the api key, in
// UQPay's claim shape (master_id, customer_id, account_id, api_version,
// client_id, user_id, email, scope, user_name, direct_id, on_behalf_id,
// on_behalf_name, bus_type, ip, exp, iss "uqpay"), valid 30 minutes;
// expired_at is Unix seconds. Every other call sends
// "x-auth-token: Bearer <auth_token>". A missing header, a token in
// Authorization, a bare token, "Bearer<token>", "bearer " in lower case, a
// token that is not a JWT, one we did not issue, an altered, revoked or
// expired one each get 401 unauthorized_error with a message naming the
// mistake. An unknown x-client-id is 400 invalid_request_error ("Invalid
// client id"), a missing or wrong x-api-key 401, a source address off the
// tenant's allow-list (loopback by default) 401 ("IP not allowed"). At
// most 50 token requests per client id per minute of wall time (429
// api_error velocity_limit_exceeded). The default tenant's credentials are
// DefaultClientID, DefaultAPIKey and DefaultWebhookSecret.
//
// x-on-behalf-of selects a connected sub-account (created through the
// admin API, POST /_mocksrv/tenants/{id}/uqpay/sub_accounts, or
// AddSubAccount); each has its own cardholders, cards, orders,
// transactions, balances and idempotency keys. Empty means the master
// account; a malformed or unknown id is 400 account_error
// sub_account_not_found.
//
// x-idempotency-key, a UUID, is required on every POST but the token's
// (400 idempotency_error idempotency_key_missing or idempotency_key_invalid
// otherwise); see Idempotency below.
//
// # Idempotency
//
// x-idempotency-key follows the rule every mocksrv idempotency key does:
// the same request again under the same key — the same method, path and
// body, the body compared as a JSON value, so re-indenting it, reordering
// its keys or spelling a number otherwise (1.5, 1.50, 15e-1) does not make
// it another request — answers the first answer byte for byte and creates
// nothing; a different request under the key is 400 idempotency_error
// idempotency_key_reused, its message naming the key and the first field
// that differs ("… for a different request (amount differs) …"); while
// the first request is still running the key is idempotency_key_in_use.
// A key answers for 24 hours of business time, per account. GETs may send
// a key (the SDK always does); it is ignored.
//
// # Envelope
//
// Success is the bare resource with HTTP 200. Errors are a non-2xx status
// and {type, code, message}; message is never empty (the SDK needs it) and
// names the field, the allowed range or the state in the way.
// invalid_request_error, card_error, cardholder_error, account_error and
// idempotency_error answer 400 (unknown resources too: card_not_found is a
// 400 card_error), unauthorized_error 401 (code forbidden: 403), api_error
// 500 (velocity_limit_exceeded 429, service_unavailable 503); unknown paths
// answer 404 not_found and wrong methods 405 method_not_allowed, both as
// invalid_request_error. envelope.go lists every code and its type.
//
// # Paging
//
// Lists take page_number (1-based, default 1) and page_size (10–100,
// default 10) in the query and answer {total_pages, total_items, data},
// newest first; out of range is 400 naming the parameter and the range. A
// page_number past the last page, however large (beyond an int too), is an
// empty page with the list's totals; a negative one is 400.
// Filters: cards by card_number (the full PAN), card_status and
// cardholder_id; cardholders by cardholder_status; transactions by card_id
// and start_time/end_time; balance transactions by start_time/end_time (at
// most 90 days apart, as documented); merchant brands by display_name and
// merchant_code. Times are RFC 3339 ("2024-03-21T17:17:32+08:00"),
// "yyyy-MM-dd HH:mm:ss" or a date, read in UTC+8. Windows compare at the
// second, as times are shown: an end_time equal to a record's displayed
// time includes it, though the record keeps the clock's sub-seconds (a
// date as end_time includes that whole day).
//
// # Endpoints
//
// Every endpoint of the SDK's issuing surface (providers.md §3.5), each
// with its contract in contracts/uqpay: token; cardholders create, list,
// retrieve, update; products; cards create, list, retrieve, update,
// secure, status, recharge, withdraw, order, activate, PIN reset and
// management, assign, PAN token, elevate limit, network protection enrol
// and remove, card arts and the default art; transactions list, retrieve
// and unsolicited-refund claim; balances retrieve and list; balance
// transactions; transfers create and retrieve; reports create and
// download; merchant brands; the authorization and reversal simulators
// (sandbox rules: BIN 40963608 and MCC 5734 only) and the deposit
// simulator (Global Account "Simulate Deposit Creation"); and the two
// Connect reads both SDKs have, GET /api/v1/accounts and /accounts/{id},
// which list the connected sub-accounts x-on-behalf-of names. One mocksrv
// extension:
// GET /api/v1/mocksrv/pan_tokens/{token} shows what the secure iframe would
// for a one-time PAN token. Every route the official Go and Node SDKs call,
// served or not, and the test of each: docs/uqpay.md, "Every route the
// official SDKs call" (TestSDKRouteTable keeps it true).
//
// # Lifecycles (business clock)
//
// Every scheduled transition happens at its own due time. While one is
// applied, the world's Now is its due time: what it stamps (an order's
// update and complete times, a card's update_time, transaction and
// balance-transaction times, webhook payload times) is that time, and what
// it schedules counts from it. Moving the clock a month in one jump or in
// many small steps ends in the same state with the same webhooks, queued in
// due-time order: a card cancelled through its 2 s status order and
// followed by one jump of 31 days is CANCELLED, its order completed 2 s
// after the request and the CANCELLED webhook stamped 30 days after that.
//
// A new card is PENDING with its CARD_CREATE order PROCESSING; after the
// issue delay (5 s; RunT 0) it turns ACTIVE (card.create.succeeded) or
// FAILED (card.create.failed): its cardholder failed KYC, or its product's
// BIN pool (max_card_quota per account) is exhausted — failure_code
// insufficient_sub_bin. A card of a cardholder still in KYC waits for the
// decision. Status changes are CARD_UPDATE orders, PENDING until the order
// delay (2 s; RunT 0) passes, then card.status.update.succeeded; CANCELLED
// goes to PRE_CANCEL, and to CANCELLED 30 days later, a SINGLE card's
// balance refunded to the issuing balance. Approved authorizations clear
// after 24 hours (or wait for a card event with manual_clearing, and
// reverse when uncleared after auth_expiry). ONE_TIME cards cancel after their first approved
// authorization (ON_AUTH) or its settlement (ON_CAPTURE), or at expiry_at.
// Physical cards (Assign Card on a product with PHY) stay PENDING until
// /cards/activate with the code sent in card.activation.code. Cardholders
// are SUCCESS, PENDING (KYC under way), INCOMPLETE or FAILED; an update of
// an INCOMPLETE or FAILED one resubmits it. A simulated deposit is PENDING
// (deposit.pending) until the deposit delay (1 minute; RunT 0) passes,
// then COMPLETED (deposit.completed) with its amount in the issuing
// balance; with deposit_review it waits for the admin API's decision, and
// a rejection (deposit.compliance.rejected) moves nothing. A recharge order
// whose card is no longer ACTIVE or FROZEN when it completes (blocked,
// lost, stolen, cancelled meanwhile) fails as a refused recharge
// (card_status_invalid, card.recharge.failed) and its money returns to the
// issuing balance. A reversed authorization reads REVERSED and never
// settles (settlement_status NOT_APPLICABLE). Every card keeps its last 32
// status changes (status, business time, cause) in history, which the
// state dump shows and snapshots keep.
//
// # Card transactions
//
// Card events (core.CardEvent: POST /_mocksrv/tenants/{id}/uqpay/cards/
// {card}/events, scenario card_event, CardEvent) do what the card network
// does, in UQPay's transaction model, and answer the transaction as GET
// /issuing/transactions/{id} shows it: authorize (kind purchase, atm,
// transfer_out; refund makes a REFUND), with decline (a reason of
// Declines, by code, text or auth.decline.* rule) or approve (a partial
// approval); increment (another AUTHORIZATION whose
// original_transaction_id is the one it grows; it clears, reverses and
// expires with it); reverse (a REVERSAL of all or part; of a cleared
// authorization a SETTLEMENT_REVERSAL); expire (a REVERSAL "Authorization
// expired", the authorization REVERSED); clear (SETTLED; for another
// amount, a SETTLEMENT_DEBIT or SETTLEMENT_CREDIT of the exact difference
// and issuing.transaction.settlement.debit or .credit); refund (a REFUND of
// a cleared authorization, at most what cleared and has not come back);
// chargeback (a CHARGEBACK_CREDIT of a cleared authorization; of a
// chargeback credit, the merchant's re-presentment, a CHARGEBACK_DEBIT).
// card_fees charge monthly maintenance fees: a FEE transaction and
// issuing.fee.card. wallet_type is on REST transactions and their
// webhooks (the admin API's transactions set it); settlement_status on
// lists and the single transaction alike.
//
// # Authorization Decision
//
// As the guide "Authorization Decisions" and the official SDKs'
// authdecision packages publish it: a tenant registers its endpoint and
// armored PGP public key (settings decision_url and decision_public_key,
// or POST /_mocksrv/tenants/{id}/uqpay/decision {url, public_key, timeout,
// default_action}, which answers uqpay_public_key: the tenant's own RSA
// 2048 key pair's public half). Every authorization UQPay's own checks
// approve — the simulator, card events (authorize, increment, refund),
// the admin API's transactions; transaction_type 1000 purchase, 1100
// transfer out, 1200 cash, 2000 refund — is POSTed to it (Content-Type
// application/json; charset=utf-8, a fresh x-request-id UUID), its JSON
// body an ASCII-armored PGP message encrypted to the client's key; the
// answer, HTTP 200 within the window (decision_timeout, 1–5 s, default 2
// s), is {transaction_id, response_code, partner_reference_id} encrypted to
// uqpay_public_key. "00" approves; another code declines, described
// "<code> - <text>" ("51 - Insufficient Funds"). No answer, a late or
// non-200 one, one that does not decrypt, is not that JSON or names
// another transaction applies decision_default. The HTTP call is made with
// the world unlocked, and UQPay's checks run again on the card as it is
// when the answer applies: one tenant's slow endpoint stalls neither
// another tenant nor the tenant's other requests. Each call is journaled,
// type "decision" and route authorization.decision, with the decrypted
// request and answer and, when the default decided, the reason in error;
// the transaction's decision (state dump) says the same.
//
// # KYC
//
// Every product has a kyc_level (SIMPLIFIED, STANDARD or ENHANCED) and the
// required_fields of that level, each {name, type "string" or "object",
// required, description?, fields?}. Creating a card for a cardholder who
// lacks a required one is 400 cardholder_error kyc_insufficient, its
// missing_fields listing them in the same shape; nothing is created.
// cardholder_required_fields supplies them: with cardholder_id it adds to
// that cardholder (a kyc_verification given there starts verification:
// SUMSUB_REDIRECT is PENDING with an IDV link and the card waits,
// THIRD_PARTY passes at once), without it it makes the cardholder
// (one-step issuance). Every cardholder renders idv_status (PENDING,
// PASSED, FAILED, or empty when no verification applies),
// idv_verification_url and idv_url_expires_at (empty without a link), and
// its residential_address a line_en (line1 and line2 unless given).
//
// # Money
//
// Exact decimals. The master account opens with 100000 USD and 100000 SGD
// of issuing balance; sub-accounts open empty and are funded by transfers,
// simulated deposits (x-on-behalf-of names the account) or the admin API's
// deposits. A SINGLE card's card_limit is its opening
// load, moved from the issuing balance; recharge and withdraw move money
// between the two (frozen while the order is PENDING). A SHARE card spends
// the issuing balance directly, capped by card_limit (0: no card cap).
// Authorizations hold money until they settle or are reversed; declines
// move nothing. Balances, card balances, holds, spent and refunded money
// always add up to what was funded (Ledger, CheckLedger). A balance
// transaction's ending_balance is the available balance right after its
// money moved: a recharge's when it is ordered, a withdrawal's (and a
// failed recharge's, whose money comes back) when the order completes.
//
// # Amounts
//
// Each field renders as the SDK v2 decodes it (which is what the sandbox
// sends): card_limit and card order amounts are JSON numbers;
// available_balance, consumed_amount, spending_controls[].amount, every
// transaction, balance, balance-transaction and transfer amount are decimal
// strings; no_pin_payment_amount is "2000USD"; the simulators' amounts are
// numbers; webhook amounts are strings. Requests may send numbers or
// strings, with at most two decimals.
//
// # Webhooks
//
// {version:"V1.6.0", event_name:"ISSUING", event_type, event_id, source_id,
// data} POSTed through the outbox to the tenant's UQPay webhook URL with
// x-wk-timestamp (Unix seconds of wall time) and x-wk-signature = lowercase
// hex HMAC-SHA512(webhook secret, raw body + timestamp header), retried
// with backoff on the business clock until the receiver answers 2xx.
// Events: card.create.succeeded/failed, card.update.succeeded,
// card.recharge.succeeded/failed, card.withdraw.succeeded,
// card.status.update.succeeded/failed, card.activation.code,
// card.activation.status, issuing.transaction.authorization/reversal/refund
// (declined authorizations included), issuing.transaction.settlement.debit/
// credit/reversal, issuing.transaction.chargeback.credit/debit,
// issuing.fee.card, and with event_name DEPOSIT
// deposit.pending, deposit.completed and deposit.compliance.rejected.
// VerifyWebhook checks a delivery the way the SDK's webhook.Verifier does;
// WebhookSignature computes one.
//
// # Magic values
//
// Where UQPay decides, these reserved values pick the outcome (the scheme
// is in package core: exact matches of values no real person, merchant or
// generated token carries; a +tag keeps an email unique, a ":suffix" a
// text). The outcome is decided when the value arrives, stored on the
// record as its outcome (the rule's name) and applied when due; the request
// that carried the value answers with the header X-Mocksrv-Outcome naming
// the rule, and its journal entry lists it under outcomes. The admin API
// reaches the same outcomes without a magic value: a cardholder's or an
// authorization's "outcome" set to the rule (POST
// /_mocksrv/tenants/{id}/uqpay/cardholders {"outcome":"kyc.reject"}).
//
//	rule                             field          value                        outcome
//	kyc.fail                         email          kyc.fail@mocksrv.test        FAILED at once; its cards end FAILED
//	kyc.incomplete                   email          kyc.incomplete@mocksrv.test  INCOMPLETE; an update resubmits it: SUCCESS
//	kyc.pending                      email          kyc.pending@mocksrv.test     PENDING, SUCCESS after the KYC delay (2 min)
//	kyc.reject                       email          kyc.reject@mocksrv.test      PENDING, FAILED after the KYC delay
//	kyc.hold                         email          kyc.hold@mocksrv.test        PENDING until the admin API's kyc decides
//	auth.decline.cvv                 merchant_name  mocksrv:decline-cvv          DECLINED, 1107 - Invalid CVV2
//	auth.decline.insufficient_funds  merchant_name  mocksrv:decline-funds        DECLINED, 1116 - Insufficient Funds
//	auth.decline.fraud               merchant_name  mocksrv:decline-fraud        DECLINED, 1159 - Suspected Fraud
//	auth.decline.expired             merchant_name  mocksrv:decline-expired      DECLINED, 1154 - Expired Card
//	auth.decline.limit               merchant_name  mocksrv:decline-limit        DECLINED, 1121 - Exceeds Spending Limit
//
// Emails are matched without case and +tag (kyc.reject+7@mocksrv.test),
// merchant names exactly (mocksrv:decline-cvv or mocksrv:decline-cvv:…)
// on the authorization simulator, the admin API's transactions and
// Authorize. A cardholder's KYC is decided at each submission — creation
// (also one-step, in cardholder_required_fields) and the resubmission an
// update of an INCOMPLETE or FAILED one is — from the email it carries then.
// Outcomes that need no magic value: a kyc_verification.method of
// SUMSUB_REDIRECT is PENDING then SUCCESS, with an idv_verification_url;
// card_quota (WithCardQuota) makes the BIN pool run out; the admin card
// action fail ends a PENDING card FAILED.
//
// # Catalogue
//
// Products (fixed ids): ProductShare (VISA 40963608 SHARE), ProductSingle
// (VISA 40963608 SINGLE), ProductSingleVisa (VISA 49372418 SINGLE; the
// simulators refuse its cards) and ProductMastercard (MASTERCARD 527735
// SHARE; card_limit required), all SIMPLIFIED KYC, and ProductEnhanced
// (VISA 46651711 SHARE, ENHANCED KYC: the KYC guide's example product).
// Two card arts per product; fourteen merchant brands.
//
// # Configuration
//
// Every choice listed under Deviations is a field of Settings. New and RunT
// take them one With… option at a time or whole (WithSettings); a tenant of
// the binary sets any of them in its "uqpay" object (POST /_mocksrv/tenants
// {"uqpay":{"card_quota":1,"revoke_tokens":true}}, or serve
// --tenant-options), a field left out keeping the Server's. Unknown or
// out-of-range fields are refused, naming the field.
//
// # Deviations
//
// Where the docs are silent or disagree mocksrv chooses, and says so here,
// with the switch that changes it (option / tenant setting):
//   - Token coexistence: the Card Issuance FAQ says a new token invalidates
//     the older ones, the Access Token reference says Card Issuance tokens
//     coexist. They coexist (WithTokenRevocation / revoke_tokens).
//   - Tokens expire on the wall clock, because the SDK refreshes from its
//     own clock and never retries a 401; moving business time does not lock
//     it out (WithTokenBusinessExpiry / token_business_expiry). expired_at
//     is always wall time. Lifetime 30 minutes (WithTokenTTL / token_ttl).
//     The JWT adds a jti claim so two tokens minted in one second differ.
//   - The token rate limit (50 a minute, published) counts per client id on
//     the wall clock and answers 429 api_error velocity_limit_exceeded; the
//     status and code are ours (WithTokenRateLimit / token_rate_limit, 0 =
//     off).
//   - Error codes other than card_not_found, invalid_request_error,
//     unauthorized_error, forbidden, insufficient_sub_bin,
//     sub_account_not_found, kyc_insufficient (the Node SDK's) and
//     api_error are ours (envelope.go), as are the decline reasons other
//     than 1000 and 1107, and the 404/405 answers of unknown paths and
//     methods.
//   - page_size=0 and page_number=0 mean the default, because the SDK sends
//     0 for parameters its caller left unset (WithStrictPaging /
//     strict_paging refuses them). Lists are newest first.
//   - Idempotency: 4xx answers are replayed for a repeated key like 2xx ones
//     (WithIdempotentErrors / idempotent_errors false keeps only 2xx); 5xx
//     answers never are. Keys must be UUIDs (WithLenientIdempotencyKeys /
//     lenient_idempotency_keys accepts any key up to 64 characters); they
//     are scoped per account; the token endpoint takes none; what a key
//     remembers lives 24 hours of business time (WithIdempotencyTTL /
//     idempotency_ttl) and is not kept in --state snapshots. Requests are
//     compared as JSON values: the same body re-indented, with its keys
//     reordered or a number spelt otherwise (1.5, 1.50) is the same
//     request; idempotency_key_reused names the first field that differs.
//   - Delays on the business clock: card issuing 5 s (WithIssueDelay /
//     issue_delay), status, recharge and withdraw orders 2 s (WithOrderDelay
//     / order_delay), KYC decisions 2 minutes (WithKYCDelay / kyc_delay),
//     settlement 24 hours (WithSettlementDelay / settlement_delay), reports
//     10 s (WithReportDelay / report_delay). PRE_CANCEL lasts 30 days as the
//     v1.6 guide says; older docs say 60 or 90 (WithCancelWait /
//     cancel_wait).
//   - The BIN pool holds 1000 cards per product and account
//     (max_card_quota; WithCardQuota / card_quota, 0 = no limit).
//   - The master account opens with 100000 USD and 100000 SGD
//     (WithInitialBalance / initial_balances); cards and balances are USD
//     and SGD only (no XUSD).
//   - Only SINGLE, non-ONE_TIME cards can be recharged or withdrawn. A
//     SHARE card's card_limit of 0 means no card-level cap; elevate_limit
//     applies to SHARE cards, for 1–30 days. A SINGLE card's later
//     card_limit updates change the field only; money moves by recharge.
//   - Status changes complete as one order; a second change while one is
//     PENDING is card_order_in_progress. Status and update orders have
//     order_type CARD_UPDATE (the docs' example says CREATE_CARD for a
//     recharge), PIN changes PIN_MANAGEMENT.
//   - Cardholder names: the API reference allows "alphabetic characters
//     and spaces", the cardholders guide also hyphens; mocksrv takes both,
//     letters of any script (Seán, Zoë, 张伟), 1–40 characters, a letter
//     at either end. An apostrophe (O'Brien) is on neither list and is
//     refused. Phone numbers are 4–20 digits in any country
//     (UQPay validates lengths per country). Email and phone number are
//     unique per account (sub-accounts have their own).
//   - Cards expire at the end of their expiry month (3 years after issue)
//     and become CANCELLED then.
//   - Assign Card accepts any unused 13- to 19-digit number starting with
//     a product's BIN (the real sandbox provisions a list; the docs' own
//     example number fails the Luhn check, so none is made). PINs are six
//     digits, not one digit repeated; expire_date is MM/YY.
//   - Cards made through the admin API or AddCard get a creation order only
//     while PENDING, and a CARD_RECHARGE order when given a balance.
//   - Paths are not cleaned: "/cards/.." is an unknown card, not a 301.
//   - The simulators convert currencies at fixed rates (world.go); the
//     merchant's city is Singapore unless a card event names one;
//     transaction fees are 0 and fee_pass_through N; posted_time equals
//     transaction_time. Unsolicited refunds come from the admin API. The
//     simulators answer amounts as numbers, as the SDK v2 reads them
//     (WithStringSimulatorAmounts / string_simulator_amounts for v3).
//   - card.create.* data follows the published example (no card_order_id);
//     card.withdraw.succeeded mirrors card.recharge.*; webhook
//     merchant_data is an array, as published, while REST's is an object.
//   - x-wk-timestamp is in seconds, which every SDK verifier accepts; the
//     Webhook Hub's milliseconds are a switch (WithWebhookMillis /
//     webhook_millis).
//   - Connected accounts (GET /accounts, /accounts/{id}) answer the fields
//     both SDKs read: account_id, account_name (the sub-account's name),
//     business_code ["ISSUING"], entity_type COMPANY, status ACTIVE,
//     verification_status APPROVED, create_time. The master sees every
//     sub-account, a sub-account (x-on-behalf-of) only itself; the master
//     itself is not a connected account (account_not_found). Creating,
//     updating and onboarding accounts (KYB, RFIs, files) is not served.
//   - Where the SDKs' types disagree the Go SDK, which fails on a wrong JSON
//     type, is followed: simulator amounts are numbers, balance-transaction
//     amounts strings, transfer_status lowercase. The transaction_status
//     the Node SDK sends to the authorization simulator is ignored.
//   - Balance-transaction amounts are signed (negative out of the balance);
//     margin_balance is 0; transfers have no fee and complete at once.
//   - Reports are ready after the report delay and download as CSV;
//     --validate reports the CSV as a contract violation (not JSON).
//   - Times render in UTC+8, UQPay's zone (WithZone / zone: "UTC-5",
//     "UTC+5:30" or an IANA name).
//   - Simulated deposits land in the account's issuing balance: mocksrv
//     keeps no Global Account (Banking) balance, where the real simulator
//     puts them, and serves no GET /v1/deposit. USD and SGD only. They
//     complete after 1 minute (WithDepositDelay / deposit_delay); the real
//     sandbox approves deposits by hand, which WithDepositReview /
//     deposit_review reproduces (decided through the admin API's
//     deposit_decisions or DecideDeposit). deposit_fee is 0,
//     deposit_reference empty. A deposit naming no receiver_account_number
//     gets the account's own: twelve digits derived from its id.
//     sender_swift_code must look like a BIC (8 or 11 letters and digits),
//     receiver_account_number 1–60 letters and digits.
//   - Simulate Deposit Creation answers complete_time "" while PENDING (the
//     docs' example shows a time); webhooks send null (as published).
//     Webhook deposit_status is title case; only "Pending" is published,
//     so completed and rejected deposits say "Completed" and "Failed"
//     (REST's COMPLETED and FAILED, in the same case).
//   - Required fields: beyond the published ones (nationality, identity,
//     residential_address, and for ENHANCED kyc_verification), STANDARD
//     and ENHANCED also require date_of_birth; line_en is optional. No
//     catalogue product is STANDARD. Objects count as given whole: their
//     sub-fields are validated when sent.
//   - idv_status, idv_verification_url and idv_url_expires_at are always
//     rendered, empty when no verification applies (the KYC webhooks'
//     rule for idv_status; the Node SDK's REST type omits the empty string).
//     THIRD_PARTY cardholders are PASSED at once.
//   - cardholder_required_fields with a cardholder_id may add fields and
//     change phone_number (still unique); email, first_name, last_name
//     and country_code must match the cardholder's (invalid_request_error
//     otherwise; Update Cardholder changes them).
//   - Authorization Decision: the docs name no default timeout action;
//     it is decline (WithDecisionDefault / decision_default approve). The
//     window defaults to 2 s, as the Go SDK's README says (an older guide
//     says 5 s; WithDecisionTimeout / decision_timeout, 1–5 s). Amounts go
//     as decimal strings, which the Go SDK reads as current, not the
//     guide's floats (decision_number_amounts). processing_code (00
//     purchase, 01 cash, 10 transfer out, 20 refund), pos_entry_mode,
//     pos_condition_code, pos_env, eci, pin_entry_capability, merchant_id,
//     terminal_id, the reference numbers and the acquirer are ours;
//     date_of_transaction is in the tenant's zone; auth_amount is what the
//     authorization held before (0 for a new one). Requests are encrypted,
//     not signed. Only 00 approves; decline texts are ISO 8583's
//     (ResponseCodes), and a default decline reads "1191 - Authorization
//     Decision Timeout" (ours). Redirects are not followed. Requests are
//     not compressed (the Go SDK compresses its answers; both are read).
//     The admin API's
//     REFUND transactions (merchant refunds it makes at once) do not go to
//     the endpoint; card events' refunds do (2000).
//   - mocksrv's PGP key pair is RSA 2048 with an encryption subkey, stamped
//     with wall time (the client's library checks it against its own
//     clock), made when a tenant is created with a decision endpoint in its
//     options and otherwise on first need (generation costs tens to hundreds
//     of milliseconds, too much for every tenant); decision_private_key /
//     WithDecisionKey fixes it. A reset keeps it and the registration, as
//     it keeps credentials. The journal keeps the decrypted bodies.
//   - Partial approval: UQPay publishes no approved-amount field, so a
//     partial approval is an APPROVED authorization of the approved amount
//     whose description names the amount requested. Incremental
//     authorizations are AUTHORIZATIONs whose original_transaction_id is
//     the authorization they grow (UQPay publishes no increment type).
//   - Clearing for what was held changes settlement_status only; UQPay
//     publishes settlement events for differences (settlement.debit: more,
//     settlement.credit: less). A settlement debit or a re-presented
//     chargeback is taken even past the card's balance, as networks force
//     clearing. Transaction types use the underscore spellings
//     (SETTLEMENT_DEBIT), as balance transactions do. Chargebacks move
//     money as ADJUSTMENT balance transactions. A settlement reversal is the
//     reverse event on a cleared authorization.
//   - An authorization never cleared reverses after 7 days (Visa's usual
//     window; WithAuthExpiry / auth_expiry, 0 never) and reads REVERSED,
//     like a reversed one, with a REVERSAL "Authorization expired".
//     Approved authorizations clear by themselves after settlement_delay
//     unless WithManualClearing / manual_clearing leaves them to card
//     events.
//   - Card fees: the schedule is per contract, so none by default
//     (WithCardFee / card_fees: a monthly fee per form factor, first when
//     the card turns ACTIVE). A card that cannot pay gets a DECLINED FEE and
//     nothing moves. The FEE's short id starts CL, as in the published
//     example.
package uqpay
