// Package bkj simulates bkj's card-issuing OpenAPI (docs.bkj.com; UAT
// https://uat.bkj.com/openapi/v1): users with KYC, virtual and physical
// cards through all fourteen published statuses, mailing addresses,
// wallets per currency with deposit addresses per chain, payees,
// withdrawals, internal and wallet-to-card transfers, card and wallet
// transactions, signed requests, signed responses and signed webhooks.
//
// bkj publishes little beyond its menu, its card list page
// (shared/seeds/bkj-openapi-card-list.txt), its signing headers and one
// withdrawal example; issue 5 fixes the rest, and every choice mocksrv made
// where both are silent is listed under Deviations and configurable.
//
// # Base path
//
// /openapi/v1 on the host. Point a client at http://127.0.0.1:8080 and keep
// the paths. The default tenant's credentials are DefaultAPIKey and
// DefaultAPISecret. Every tenant starts empty; the API, WithCards, the
// direct helpers (AddUser, AddCard, Deposit, Authorize…) and the admin API
// (POST /_mocksrv/tenants/{id}/bkj/{kind}, card actions) add state.
//
// # Signing
//
// Every call but GET /config sends X-Api-Key, X-Timestamp (Unix seconds),
// X-Nonce and X-Signature, the lowercase hex HMAC-SHA256 (key: api_secret)
// of
//
//	METHOD + "\n" + PATH + "\n" + QUERY + "\n" + X-Timestamp + "\n" + X-Nonce + "\n" + BODY_HASH
//
// METHOD upper case; PATH including /openapi/v1, without the query; QUERY
// the URL-decoded parameters sorted by key then value, "k=v" joined by "&"
// ("" when none); BODY_HASH the lowercase hex SHA-256 of the normalized JSON
// body — keys sorted recursively, no whitespace, nulls, array order and
// numbers kept — or "" when there is no body (StringToSign, BodyHash,
// NormalizeBody). The published example body hashes to
// a7b723934403b778527163797c0cd34ca20536c5409de092070b6e0efedb9a41.
//
// Checks, in order: the four headers present (40100), X-Api-Key known
// (40101), X-Timestamp within ±300 s of wall time (40103), the signature
// (40102, whose message shows the string-to-sign the server computed), the
// nonce unused by this key for 10 minutes (40104). Moving business time
// never breaks authentication. GET /debug/get and POST /debug/post verify a
// signed request and echo what the server saw: the canonical query, the
// normalized body, BODY_HASH, the string-to-sign, the signature received
// and expected.
//
// Responses are signed too: X-Timestamp, X-Nonce and X-Signature = hex
// HMAC-SHA256(api_secret, X-Timestamp + "\n" + X-Nonce + "\n" + hex
// SHA-256 of the exact body bytes) (VerifyResponse). Client signs and
// verifies both ways.
//
// # Envelope
//
// {"code":0,"data":…,"message":"success","timestamp":<Unix ms>}. Errors are
// HTTP 200 too, with data null, a non-zero code and a message that starts
// with the code's title and names the problem (field, allowed range,
// string-to-sign). Accept-Language zh-CN answers errors in Chinese.
//
// # Error codes
//
//	40000  invalid parameter            40400  not found (resource; unknown path: HTTP 404, wrong method: 405)
//	40100  signing header missing       40900  state conflict
//	40101  unknown X-Api-Key            40901  insufficient balance
//	40102  signature mismatch           40902  idempotency key reused with another request
//	40103  timestamp invalid or stale   40903  ErrOperationIsProcessing (same key still running)
//	40104  nonce already used           42900  too many requests
//	40300  forbidden                    50000  system error
//	                                    50300  service unavailable
//
// # Paging, language, time
//
// Lists take page (1-based, default 1, at most 1,000,000) and take
// (default 10, 1–100) in the query and answer {page, take, total, list},
// newest first. A page past the last row is an empty list with the total;
// a page or take out of its range — 0, negative, 1000000000000000000,
// 9223372036854775807, beyond any integer — is 40000 naming the range.
// Times render "yyyy-MM-dd HH:mm:ss" in UTC unless the Timezone header
// asks for another zone (UTC+8, UTC-05:30, +08:00, Asia/Shanghai). bkj's
// lists filter by ids and statuses only; none takes a time window.
//
// # Idempotency
//
// Every POST but /debug/post honours X-Idempotency-Key (or bkj's published
// Idempotency-Key), as every mocksrv idempotency key does: the same key
// with the same request — the method, the path with its query, and the
// body compared as a JSON value, so key order, whitespace and the spelling
// of a number (30, 30.00) do not matter — answers the first answer again,
// byte for byte (re-signed, with X-Idempotent-Replayed: true), and changes
// nothing; the same key with a different request is 40902, naming the
// header the client sent, the key and the first field that differs
// (Idempotency key conflict: X-Idempotency-Key "k-1" was first used with a
// different request (address.city differs); …); while the first request
// still runs, 40903. Only successes are kept, for 24 h of business time
// (WithIdempotencyTTL); a failed first request keeps nothing, so a
// corrected retry may reuse its key.
//
// # Endpoints
//
// GET /config; users: POST /users, GET /users, GET /users/{id},
// GET /users/{id}/kyc-token, GET /users/{id}/kyc-link; cards:
// GET /card/channels, GET|POST /card/addresses, PUT|DELETE
// /card/addresses/{id}, POST /card/apply, POST /card/activate,
// GET /card/list, GET /card/detail?id=, GET /card/cvv?id=,
// GET /card/transactions, GET /card/transactions/{id},
// POST /card/no-pin-amount, POST /card/pin, POST /card/freeze,
// POST /card/unfreeze; wallets: GET /wallet/list, GET /wallet/chains,
// POST /wallet/address, GET /wallet/detail?id=, GET|POST /wallet/payees,
// GET|PUT|DELETE /wallet/payees/{id}, POST /wallet/withdraw (also at
// bkj's published POST /wallet/create-withdrawal),
// POST /wallet/withdraw/cancel, POST /wallet/transfer,
// POST /wallet/transfer-to-card, GET /wallet/transactions,
// GET /wallet/transactions/{id}; debug: GET /debug/get, POST /debug/post.
// One mocksrv extension, POST /openapi/v1/sandbox/card/authorize, simulates
// a purchase, refund or reversal on a card. Route names (operationIds) are
// in routes.go.
//
// # Lifecycles (business clock; Delays, DefaultDelays)
//
// A user registers unverified; issuing a KYC token or H5 link starts a
// review (pending) decided after 2 min (approved, or as the user's stored
// outcome says: Magic values), or at once through the admin API's kyc.
// Cards need an approved user. A virtual card is opening for 30 s, then
// active; a physical card is pre_producing (1 h), producing (24 h),
// shipping (72 h), then processing (delivered, awaiting activation);
// POST /card/activate moves it to activate_reviewing, active 1 min later.
// Freeze: active → processing_frozen → frozen (5 s); unfreeze: frozen →
// processing_unfrozen → active (5 s). Cards expire at the end of their
// expiry month (3 years out). The admin API blocks (blocked), cancels
// (pre_delete, deleted 24 h later), expires, freezes, unfreezes, activates
// and deletes at once. RunT makes every delay zero: an asynchronous step
// shows in the answer of the call that started it and is done by the next
// request.
//
// A withdrawal holds amount plus the chain's fee (frozen_balance) and
// settles after 10 min; it can be cancelled while pending. A purchase
// debits the card at once (pending) and clears after 24 h; a pending one
// can be reversed (in full or in part), a cleared one refunded (Card
// transactions). Balances never go below zero (40901) — only clearing
// above an authorization can take a card below it — and the tenant's
// money is conserved (Ledger, CheckLedger).
// Every card status change, card transaction, wallet transaction and KYC
// change is a webhook (card.status, card.transaction, wallet.transaction,
// user.kyc), signed like a response and delivered by the core outbox.
//
// Every scheduled transition happens at its own due time: while the clock
// passes it, the world's "now" is the time the step was due, so what the
// step stamps (update_at, close_time, the KYC decision, a wallet
// transaction's id_no date, the webhook's created_at and timestamp) is that
// time, the steps it schedules start from it, and its webhook is queued at
// it, in due order. Moving the clock ten days in one jump or in many small
// steps ends in the same state and the same webhooks, byte for byte
// (TestClockJumpEqualsSteps, 200 seeds): a physical card applied for and
// the clock jumped five days is processing, its producing, shipping and
// processing webhooks stamped 1 h, 25 h and 97 h after the application.
//
// # Card transactions
//
// bkj publishes its card-transaction pages (卡交易列表, 卡交易详情) as
// menu entries only; the model is mocksrv's: types purchase, reversal,
// refund and topup, statuses pending (authorized: the amount is taken from
// the card at once), success, declined and reversed, and a
// card.transaction webhook whenever one is made or changes status. What
// the card network does to a card (core.CardEvent: the admin API's POST
// /_mocksrv/tenants/{id}/bkj/cards/{card}/events, scenario card_event
// steps, Server.CardEvent) is applied in that model and answered as GET
// /card/transactions/{id} shows the transaction:
//
//	event       bkj
//	authorize   a purchase, pending; or declined (no money moves) with decline_code and decline_reason
//	clear       the purchase success, for any amount: the difference moves exactly, remarks "cleared X of Y authorized"
//	reverse     a reversal (related_id the purchase) of all or part of what a pending purchase holds; in full, the purchase reversed
//	expire      a reversal of what it holds, remarks "authorization expired"; also by itself after auth_expiry
//	refund      a refund of all or part of what a cleared purchase spent and has not yet returned
//	increment   not published: a transaction links to another only as what a refund or reversal returns
//	chargeback  not published: bkj's transaction types have no chargeback
//	(partial approval is not published either: a transaction carries one amount; kinds atm,
//	transfer_out and refund neither: bkj's card transactions are purchases)
//
// An event type or field the model cannot carry is refused (HTTP 400)
// naming the types it takes; one the transaction's status does not allow
// (reversing or clearing a cleared purchase, refunding a pending one) is
// a conflict (409, bkj's 40900 message). A purchase is
// declined, in this order, by the card not being active (card_inactive,
// its decline_reason naming the status: "card is frozen"), by a reason
// the event or the admin API's transactions name (decline), by the magic
// merchant mocksrv:decline (issuer_declined), or by too little balance
// (insufficient_balance). The reasons (Declines, GET
// /_mocksrv/providers/bkj/declines) are mocksrv's:
//
//	card_inactive         card is not active
//	insufficient_balance  insufficient balance
//	issuer_declined       declined by issuer
//	risk_declined         declined by risk control
//	limit_exceeded        exceeds the card's spending limit
//	merchant_not_allowed  merchant category not allowed
//
// An approved purchase clears by itself for what it holds after
// delays.clearing (24 h) unless manual_clearing (WithManualClearing)
// leaves it to clear events; one never cleared expires after auth_expiry
// (WithAuthExpiry; 7 days, 0 never), scheduled on the business clock and
// applied at its own due time. A purchase's amount is what was authorized
// until it clears, then what it reversed plus what cleared, so amount less
// its reversals is always what it holds or spent (CardTx.Held); refunds
// return at most that. balance_after is the card's balance after the
// transaction's last movement.
//
// bkj publishes no real-time authorization decision (nothing like UQPay's
// Authorization Decision or KeySecure's Auth callback) and no card fees:
// mocksrv decides every authorization as above, and the only fees are
// withdrawals'. Every path keeps the ledger: deposited = withdrawn + fees +
// spent + held (Money, CheckLedger).
//
// # Card history
//
// Every card keeps its last core.CardHistoryLimit status changes in
// History (the state dump's "history"; snapshots keep it): when on the
// business clock, from and to what, and why — "card applied", "created by
// admin", an asynchronous step ("card issued", "freeze completed", "card
// shipped"), the API call that started one ("freeze requested",
// "activation requested") or the platform's action ("frozen by platform",
// "blocked by platform", "card expired").
//
// # Magic values
//
// Where bkj decides, these reserved values pick the outcome (the scheme is
// core's: emails at mocksrv.test, the local part picking the rule and any
// +tag allowed; texts starting "mocksrv:", exact, any ":suffix" allowed;
// no real person, merchant or token carries one, and a test pushes 4,164
// ordinary inputs through bkj to prove none fires). The decision is taken
// when the value arrives and stored on the record as its "outcome" (the
// rule's name, kept in snapshots); settling applies the stored decision.
// The request that carries one answers with the header X-Mocksrv-Outcome
// naming the rule, and its journal entry lists it under outcomes; so does
// a KYC token or link request that starts a steered review.
//
//	rule               field                   value                      outcome
//	kyc.reject         user email              kyc.reject@mocksrv.test    every KYC review of the user ends rejected (after 2 min)
//	kyc.hold           user email              kyc.hold@mocksrv.test      the review stays pending until the admin API's kyc decides
//	card.fail          card label              mocksrv:card-fail          the application fails: opening/pre_producing → deleted, remarks say why
//	withdrawal.reject  withdrawal memo         mocksrv:withdrawal-reject  the withdrawal ends failed (after 10 min), amount and fee back
//	withdrawal.hold    withdrawal memo         mocksrv:withdrawal-hold    the withdrawal stays pending until cancelled or decided by the admin API
//	auth.decline       sandbox merchant_name   mocksrv:decline            the purchase is declined by the issuer (code 0, status declined)
//
// The admin API (and so scenario givens) and the direct helpers reach the
// same outcomes without a magic value: a record's "outcome" set to the
// rule (users {"kyc_status":"pending","outcome":"kyc.hold"}, cards
// {"status":"opening","outcome":"card.fail"}, transactions {"card_id",
// "amount","outcome":"auth.decline"}, withdrawals {"account_id","amount",
// "outcome":"withdrawal.reject"}); Magic returns the table.
//
// # Configuration
//
// Every choice listed under Deviations is a field of Settings: a With…
// option (or WithSettings) sets it for New and RunT, and, for a tenant of
// the binary, the field's JSON name in the tenant's "bkj" object (POST
// /_mocksrv/tenants {"bkj":{"timezone":"UTC+8","delays":{"open":"0s"}}}),
// a field left out keeping the Server's: timestamp_window, nonce_ttl,
// show_string_to_sign, sign_responses, timezone, webhook_timezone,
// idempotency_ttl, card_validity_years, kyc_link_base, kyc_link_ttl,
// take_default, take_max, rate_limit, auth_expiry, manual_clearing and
// delays (open, produce, ship, deliver, activation_review, freeze,
// unfreeze, delete, kyc_review, withdrawal, clearing). Unknown or out-of-range fields are refused; a
// reset and a snapshot keep them; GET /config with an X-Api-Key describes
// that tenant.
//
// # Deviations
//
// Where bkj's docs are silent mocksrv chooses, and says so here:
//   - The string-to-sign layout, BODY_HASH "" for an empty body, and the
//     response-signature recipe are issue 5's; a body that is not JSON is
//     hashed as sent; normalization keeps numbers as written and escapes
//     only '"', '\' and control characters (non-ASCII stays UTF-8, like
//     JSON.stringify and Python's ensure_ascii=False); '+' in a query is a
//     space; query parameters must decode to UTF-8. X-Signature must be
//     lowercase hex.
//   - ±300 s timestamp window (WithTimestampWindow), nonces single-use per
//     key for 10 min (WithNonceTTL), spent only by a request whose
//     signature verifies; X-Nonce at most 128 characters. The
//     string-to-sign in errors and the debug endpoints' expected_signature
//     can be switched off (WithStringToSign).
//   - Answers to an unknown X-Api-Key are not signed (there is no secret to
//     sign with); WithResponseSigning(false) signs nothing. The envelope
//     timestamp is business time; response X-Timestamp is wall time.
//   - The error-code table above is ours (bkj's 错误码指引 page is not
//     public), like the KYC vocabulary (unverified, pending, approved,
//     rejected), card transaction types and statuses, and webhook event
//     names and payloads ({id, event, created_at, timestamp, data:
//     {before_status, card|transaction|user}}, times in UTC,
//     WithWebhookTimezone; headers X-Api-Key and X-Webhook-Event besides the
//     signature; any 2xx accepts). A new card sends no webhook; its status
//     changes do. message is "success" in every language.
//   - Times default to UTC (WithTimezone). Wallet transaction_time and
//     close_time are RFC 3339 with offset, as bkj's published withdrawal
//     answer shows, in the same zone.
//   - Idempotency applies to every POST but /debug/post, for 24 h of
//     business time (WithIdempotencyTTL); the published header name
//     Idempotency-Key works too; a first request that failed keeps nothing,
//     so a corrected retry may reuse its key; "the same request" is the
//     same method, path, query and body as a JSON value (Idempotency).
//   - Paging defaults and bounds are WithPaging; page is at most 1,000,000.
//     A filter value that names nothing (the seed curl's status=actice) is
//     40000 listing the allowed values, not an empty page.
//   - bkj publishes no rule for names: first_name, last_name and
//     embossing_name (and a mailing address's names) take letters of any
//     script with their combining marks, spaces, dots, apostrophes and
//     hyphens, starting with a letter, at most 32 characters (Seán, Zoë,
//     O'Brien, 张伟). Address lines stay English letters, digits and
//     common symbols.
//   - Outcome steering by reserved values, the admin API's outcomes and
//     the sandbox authorize endpoint are mocksrv's (Magic values).
//   - bkj publishes the withdrawal at POST /wallet/create-withdrawal;
//     issue 5's table says POST /wallet/withdraw. Both are served, the same
//     operation under two route names (withdrawal.create and
//     wallet.create_withdrawal: a fault rule names the one it means). The
//     other paths are issue 5's, not bkj's (unpublished).
//   - The card channels (visa-virtual-usd, visa-physical-usd,
//     mastercard-virtual-usd; BINs 438214 and 531993) and chains (TRON,
//     ETH, BSC, SOLANA with fixed fees and minimums) are a fixed sandbox
//     catalogue. Every user gets a USDT and a USDC wallet; a wallet has one
//     deposit address per chain; money arrives only through the admin API
//     and direct helpers (deposits). Internal transfers stay within one
//     currency and cost nothing; wallet-to-card transfers convert at rate 1
//     to the card's USD, for an active card of the same account.
//   - The card object is the seed's, field for field: first8 carries the
//     6-digit BIN as published; raw.caBalance and raw.cardBalance follow
//     channel_balance, raw.walletBalance is "0", raw.points 0; raw.cardStatus
//     and raw.physicalCardStatus map onto DeCard's vocabulary;
//     raw.cardHolder is "****" and four random letters. id_no is a snowflake
//     (Twitter epoch) of the creation time, beyond 2^53; a wallet
//     transaction's id_no is its UTC+8 date and a sequence.
//   - Wallet transactions carry created_at, update_at, chain and card_id
//     besides the published fields; memo lands in comment.comment.
//     Withdrawal fees come on top of the amount; amounts take up to 6
//     decimals (cards 2).
//   - Physical activation is allowed from shipping or processing (last4,
//     when sent, must match); a PIN is 6 digits without three identical or
//     consecutive ones; the no-PIN amount is 0–500; CVV data exists once a
//     card is made. Cards are valid 3 years (WithCardValidity). KYC tokens
//     and links live 30 min (WithKYCLink); a new one for an approved user is
//     40900.
//   - There is no organic rate limit unless WithRateLimit; faults can
//     inject 42900 and every other code.
//   - Card transactions (Card transactions): the decline reasons and the
//     decline_code field that carries them are mocksrv's; card events
//     carry one amount in the card's currency, another currency being the
//     merchant's at rate 1 (merchant_currency, merchant_amount; no
//     exchange rates). Clearing is presented by the network, so one above
//     the authorization is taken even past the card's balance. A reversal
//     may return part of a pending purchase (the sandbox endpoint's
//     amount, a reverse event's); a cleared one is refunded instead. An
//     authorization expires after 7 days (auth_expiry: the networks' usual
//     window; bkj publishes none) and purchases clear by themselves after
//     delays.clearing unless manual_clearing. No real-time decision, no
//     increment, partial approval, chargeback or card fee is published, so
//     none is simulated.
package bkj
