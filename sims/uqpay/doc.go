// Package uqpay simulates UQPay's Card Issuance API v1.6
// (developers.uqpay.com/card-issuance/v1.6) closely enough that a team
// using the official Go SDK github.com/uqpay/uqpay-sdk-go/v2 runs its
// whole issuing flow against it unchanged: token refresh, cardholders,
// products, cards, card orders, status changes, recharge and withdraw,
// secure data, transactions, balances, transfers, the sandbox simulators,
// and webhooks its verifier accepts.
//
// # Base path
//
// /api/v1 on the host (api-sandbox.uqpaytech.com in real life). The SDK's
// Environment.BaseURL ends in /api and its paths start with /v1, so point it
// at http://127.0.0.1:8080/api.
//
// # Auth
//
// POST /api/v1/connect/token with x-client-id and x-api-key (no body)
// answers {auth_token, expired_at}: an HS256 JWT in UQPay's claim shape,
// valid 30 minutes, expired_at in Unix seconds. Every other call sends
// "x-auth-token: Bearer <auth_token>". A missing header, a token in
// Authorization, a bare token, "Bearer<token>", a token that is not one of
// ours, an altered, revoked or expired one each get 401 unauthorized_error
// with a message naming the mistake. An unknown x-client-id is 400
// ("Invalid client id"), a wrong x-api-key 401, a source address off the
// tenant's allow-list (loopback by default) 401. At most 50 token requests
// per client per minute (429 api_error velocity_limit_exceeded). Tokens
// coexist unless WithTokenRevocation. The default tenant's credentials are
// DefaultClientID, DefaultAPIKey and DefaultWebhookSecret.
//
// x-on-behalf-of selects a connected sub-account (created through the
// admin API, POST /_mocksrv/tenants/{id}/uqpay/sub_accounts, or
// AddSubAccount); each has its own cardholders, cards, orders, transactions
// and balances. Empty means the master account; a malformed or unknown id is
// 400 account_error sub_account_not_found.
//
// x-idempotency-key, a UUID, is required on every POST but the token's
// (400 idempotency_error otherwise). The first answer for a key (per
// account) is kept 24 hours of business time and replayed byte for byte
// for the same method, path and body, creating nothing; the same key with a
// different request is 400 idempotency_error idempotency_key_reused.
//
// # Envelope
//
// Success is the bare resource with HTTP 200. Errors are a non-2xx status
// and {type, code, message}; message is never empty (the SDK needs it).
// invalid_request_error, card_error, cardholder_error, account_error and
// idempotency_error answer 400, unauthorized_error 401 (code forbidden:
// 403), api_error 500; unknown paths 404 and wrong methods 405.
//
// # Paging
//
// Lists take page_number (1-based, default 1) and page_size (10–100,
// default 10) in the query and answer {total_pages, total_items, data},
// newest first. 0 means the default, because the SDK sends 0 for unset
// parameters (WithStrictPaging refuses it). Balance transactions take a
// start_time/end_time window of at most 90 days.
//
// # Endpoints
//
// Every endpoint of the SDK's issuing surface (providers.md §3.5): token;
// cardholders create, list, retrieve, update; products; cards create, list,
// retrieve, update, secure, status, recharge, withdraw, order, activate,
// PIN reset and management, assign, PAN token, elevate limit, network
// protection enrol and remove, card arts and the default art; transactions
// list, retrieve and unsolicited-refund claim; balances retrieve and list;
// balance transactions; transfers create and retrieve; reports create and
// download; merchant brands; the authorization and reversal simulators.
// One mocksrv extension: GET /api/v1/mocksrv/pan_tokens/{token} shows what
// the secure iframe would for a one-time PAN token.
//
// # Lifecycles (business clock)
//
// A new card is PENDING with its CARD_CREATE order PROCESSING; after the
// issue delay (5 s; RunT 0) it turns ACTIVE (card.create.succeeded) or
// FAILED (card.create.failed): its cardholder failed KYC, or its product's
// BIN pool (max_card_quota per account) is exhausted — failure_code
// insufficient_sub_bin. A card of a cardholder still in KYC waits for the
// decision. Status changes are CARD_UPDATE orders, PENDING until the order
// delay (2 s; RunT 0) passes, then card.status.update.succeeded; CANCELLED
// goes to PRE_CANCEL, and to CANCELLED 30 days later, a SINGLE card's
// balance refunded to the issuing balance. Approved authorizations settle
// after 24 hours. ONE_TIME cards cancel after their first approved
// authorization (ON_AUTH) or its settlement (ON_CAPTURE), or at expiry_at.
// Physical cards (Assign Card on a product with PHY) stay PENDING until
// /cards/activate with the code sent in card.activation.code.
//
// # Money
//
// Exact decimals. The master account opens with 100000 USD and 100000 SGD
// of issuing balance (WithInitialBalance); sub-accounts open empty and are
// funded by transfers. A SINGLE card's card_limit is its opening load,
// moved from the issuing balance; recharge and withdraw move money between
// the two (frozen while the order is PENDING). A SHARE card spends the
// issuing balance directly, capped by card_limit (0: no card cap).
// Authorizations hold money until they settle or are reversed. Balances,
// card balances, holds, spent and refunded money always add up to what
// was funded (Ledger, CheckLedger).
//
// # Amounts
//
// Each field renders as the SDK v2 decodes it (which is what the sandbox
// sends): card_limit and card order amounts are JSON numbers;
// available_balance, consumed_amount, spending_controls[].amount, every
// transaction, balance, balance-transaction and transfer amount are decimal
// strings; no_pin_payment_amount is "2000USD"; the simulators' amounts are
// numbers (WithStringSimulatorAmounts for SDK v3); webhook amounts are
// strings. Requests may send numbers or strings.
//
// # Webhooks
//
// {version:"V1.6.0", event_name:"ISSUING", event_type, event_id, source_id,
// data} POSTed to the tenant's UQPay webhook URL with x-wk-timestamp (Unix
// seconds of wall time; WithWebhookMillis for milliseconds) and
// x-wk-signature = lowercase hex HMAC-SHA512(webhook secret, raw body +
// timestamp header), retried with backoff until the receiver answers 2xx.
// Events: card.create.succeeded/failed, card.update.succeeded,
// card.recharge.succeeded/failed, card.withdraw.succeeded,
// card.status.update.succeeded/failed, card.activation.code,
// card.activation.status, issuing.transaction.authorization/reversal/refund.
// VerifyWebhook checks a delivery the way the SDK's verifier does.
//
// # Magic values
//
// A cardholder email containing kyc_fail is FAILED, kyc_incomplete
// INCOMPLETE (an update completes it), kyc_pending PENDING then SUCCESS
// after the KYC delay (2 min), kyc_reject PENDING then FAILED, kyc_hold
// PENDING until the admin API decides; kyc_verification.method
// SUMSUB_REDIRECT is PENDING then SUCCESS, with an idv_verification_url.
// A simulated authorization whose merchant_name contains decline_cvv,
// decline_funds, decline_fraud, decline_expired or decline_limit is
// declined with that reason. WithCardQuota(n) makes the BIN pool run out.
//
// # Catalogue
//
// Products (fixed ids): ProductShare (VISA 40963608 SHARE), ProductSingle
// (VISA 40963608 SINGLE), ProductSingleVisa (VISA 49372418 SINGLE; the
// simulators refuse its cards) and ProductMastercard (MASTERCARD 527735
// SHARE; card_limit required). Two card arts per product; fourteen
// merchant brands.
//
// # Deviations
//
// Where the docs are silent or disagree mocksrv chooses, and says so here:
//   - auth_tokens expire on the wall clock (the SDK refreshes from its own
//     clock and never retries a 401); WithTokenBusinessExpiry puts them on
//     the business clock. expired_at is always wall time. The JWT adds a
//     jti claim so two tokens minted in one second differ.
//   - Error codes other than card_not_found, invalid_request_error,
//     unauthorized_error, forbidden, insufficient_sub_bin,
//     sub_account_not_found and api_error are ours (see envelope.go), as
//     are the decline reasons other than 1000 and 1107.
//   - page_size=0 and page_number=0 mean the default (WithStrictPaging).
//   - 4xx answers are replayed for a repeated idempotency key like 2xx ones
//     (WithIdempotentErrors(false) keeps only 2xx); keys must be UUIDs
//     (WithLenientIdempotencyKeys); the token endpoint takes none.
//   - Only SINGLE, non-ONE_TIME cards can be recharged or withdrawn. A
//     SHARE card's card_limit of 0 means no card-level cap; elevate_limit
//     applies to SHARE cards, for 1–30 days. A SINGLE card's later
//     card_limit updates change the field only; money moves by recharge.
//   - Status changes complete as one order; a second change while one is
//     PENDING is card_order_in_progress. Status and update orders have
//     order_type CARD_UPDATE, PIN changes PIN_MANAGEMENT.
//   - Assign Card accepts any unused 13- to 19-digit number starting with
//     a product's BIN (the real sandbox provisions a list; the docs' own
//     example number fails the Luhn check, so none is made). PINs are six
//     digits, not one digit repeated; expire_date is MM/YY.
//   - Cards made through the admin API or AddCard get a creation order only
//     while PENDING, and a CARD_RECHARGE order when given a balance.
//   - Paths are not cleaned: "/cards/.." is an unknown card, not a 301.
//   - The simulators convert currencies at fixed rates (world.go); the
//     merchant's city is Singapore; transaction fees are 0 and
//     fee_pass_through N; posted_time equals transaction_time. Settlement
//     sends no webhook. Unsolicited refunds come from the admin API.
//   - card.create.* data follows the published example (no card_order_id);
//     card.withdraw.succeeded mirrors card.recharge.*.
//   - Balance-transaction amounts are signed (negative out of the balance);
//     margin_balance is 0; transfers have no fee and complete at once.
//   - Reports are ready after the report delay and download as CSV;
//     --validate reports the CSV as a contract violation (not JSON).
//   - Idempotency records are not kept in --state snapshots.
package uqpay
