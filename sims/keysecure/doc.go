// Package keysecure simulates KeySecure's card-issuing "payment merchant"
// open platform (docs-payment-merchant.keysecure.io): cardholders with
// Sumsub KYC, virtual and physical cards, TUSDT accounts funded from the
// merchant reserve, consumptions and callbacks.
//
// # Base path
//
// /open-api/v1 on the host (sandbox-openplatform.keysecure.io in real
// life). Point a client at http://127.0.0.1:8080 and keep the paths.
//
// # Auth
//
// GET /open-api/v1/merchant/token with Api-Key and Timestamp returns
// {access_token, expired_time (Unix ms)}. Every other call sends Api-Key,
// Timestamp and Access-Token. Timestamp is 13-digit Unix milliseconds, not
// in the future and at most 60 s old (wall clock) → else 1005; missing
// Api-Key 1002, unknown 1008, missing token 1006, unknown, revoked or
// expired token 1007 (expiry on the business clock, so moving the clock
// expires tokens), client address not on the tenant's allow-list (loopback
// by default) 1003. Language: zh_CN answers in Chinese. The default tenant's
// credentials are DefaultAPIKey and DefaultAPISecret.
//
// # Envelope
//
// HTTP 200 and {code, msg, data} for success (code 0, msg "Success") and
// business errors alike; errors carry data null and a msg that starts with
// the code's published text and then names the problem (parameter errors
// name the snake_case field). See envelope.go for the code table.
//
// # Paging
//
// List requests (card, cardholder, consume, transfer) carry page (0-based,
// default 0) and size (default 10, 1–100) in the POST body, plus a
// mandatory start_time/end_time window (yyyy-MM-dd or yyyy-MM-dd HH:mm:ss,
// read in the Timezone header's zone, default UTC+8; a date alone covers the
// whole day) of at most 90 days: end before start 1019, longer 1020. The
// answer is {list: […]} with no total. Lists are newest first.
//
// # Endpoints
//
// Everything in the API list: token; cardholder apply, list, info; card
// apply, list, detail, private info, active, status update, pin set;
// consume info and list; PCI client token; account transfer, info and
// transfer list, card package list (credit-extension mode); card BIN list
// (authorization mode, POST /card/support/bins). Plus one mocksrv
// extension, POST /open-api/v1/sandbox/consume, which simulates a purchase
// or ATM withdrawal (authorized and cleared at once), or a refund or
// reversal of one, on a card.
//
// # Lifecycles (business clock)
//
// A cardholder goes Pending → In_progress (30 s) → Approved (2 min), or
// as a magic value or the admin API steers it (below). A card is Pending
// for 1 min, then Activated (virtual) or ToActivate (physical, until
// /card/active with the encrypted CVV). Merchants move Activated ↔ Frozen and
// Activated/Frozen/ToActivate → Delete (terminal); anything else is 4002.
// Cards expire at the end of their expiry month (3 years) and are then
// deleted with reason "Card expired". Every status change sends a
// Card_update callback.
//
// Every scheduled transition happens at its own due time: moving the
// clock a month in one jump or in many small steps ends in the same state
// and the same callbacks, each stamped with the time it was due.
//
// # Magic values
//
// Where KeySecure decides, these reserved values pick the outcome (the
// scheme is in package core: reserved values no real input carries; a
// ":suffix" keeps unique fields unique). The request that carries one
// answers with the header X-Mocksrv-Outcome naming the rule, and its
// journal entry lists it under outcomes. The admin API reaches the same
// outcomes without a magic value: a record's "outcome" set to the rule.
//
//	rule             field                value               outcome
//	kyc.reject       sumsub_share_token   mocksrv:kyc-reject  the KYC review ends Rejected at its decision time
//	kyc.hold         sumsub_share_token   mocksrv:kyc-hold    the review never ends by itself; decide it with the admin API's kyc
//	card.fail        card_unique_no       mocksrv:card-fail   the card application ends Fail when issuing is due
//	consume.decline  merchant_name        mocksrv:decline     the issuer declines the purchase (status Fail, remark "Declined by issuer: …")
//
// Card events (below) reach every decline reason without a magic value.
//
// # Idempotency
//
// cardholder_unique_no (creating a cardholder), card_unique_no and
// transfer_unique_no are idempotent, as every mocksrv idempotency key is:
// the same request again — compared as JSON values, so key order and
// whitespace do not matter — answers the first answer byte for byte and
// changes nothing; a different request under the same number is 2001, 4003
// or 3002 with a message naming the number and the first field that
// differs. Numbers stay bound for the tenant's life.
//
// # Card transactions
//
// What happens to a card at the network (core.CardEvent: the admin API's
// POST /_mocksrv/tenants/{id}/keysecure/cards/{card}/events, scenario
// card_event steps, Server.CardEvent) is applied in KeySecure's model:
//
//	event       KeySecure
//	authorize   a Consumption (kind purchase) or Atm (kind atm) consumption, Pending while authorized; Fail when declined
//	clear       the authorization becomes Success; any amount, the difference moved exactly
//	reverse     a Reversal consumption (consume_relate_no the original), full or partial, before or after clearing
//	expire      a Reversal of what is still authorized, remark "Authorization expired"; also by itself after auth_expiry
//	refund      a Refund consumption of a cleared one, full or partial
//	increment   not published: the Auth callback carries no link to an earlier authorization
//	chargeback  not published: KeySecure's consumption types have no chargeback
//	(partial approval is not published either: the merchant's Auth answer carries no amount)
//
// Refused events name the ones the model takes. Every consumption made
// or changing status sends a Consumption callback. Decline reasons are
// listed by Declines (GET /_mocksrv/providers/keysecure/declines) and
// reached with a card event's "decline"; a declined consumption's remark
// starts with the reason's text.
//
// Authorizations of an authorization-mode card — every card of an
// AUTHORIZATION merchant, a card applied by card_bin_no in BOTH — are
// decided by the merchant: the Auth callback is POSTed synchronously to the
// tenant's KeySecure webhook URL, signed as every callback is, and its
// answer {code, message} decides (code 0 approves), within auth_window
// (800 ms, as published). The call is made without holding the tenant's
// lock, then the lock is taken and the decision applied, so a merchant may
// call KeySecure back while it decides and one tenant's slow merchant
// stalls no one. Credit-extension cards are decided by the platform
// against the cardholder's balance. Before either, the platform itself
// declines a card that is not Activated, a decline steered by a card
// event or a magic value — the merchant is not asked.
//
// # Money
//
// Exact decimals in TUSDT. Transfers In move money from the merchant
// reserve (1,000,000.00 at start) to a cardholder, Out the other way;
// a transfer never takes a balance below zero (3001). An authorization
// holds its amount and fee (authorized_holds) from its funding — the
// cardholder's balance for a credit-extension card, the merchant for an
// authorization-mode card (merchant_funded: what it approved, net of what
// came back) — and clearing pays the merchant of the purchase
// (paid_to_merchants) and the fee. Reversals and refunds give money back
// to the funding. Reserve + balances + holds + paid to merchants + fees −
// merchant funded never changes (Ledger, CheckMoney).
//
// # Card history
//
// Every card keeps its last core.CardHistoryLimit (32) status changes — when in
// business time, from, to, and why, creation included — in Card.History,
// shown by the state dump and kept by snapshots.
//
// # Deviations
//
// Where the docs are silent mocksrv chooses, and says so here:
//   - The authorization-mode card-BIN list is POST /open-api/v1/card/support/bins
//     (route card_bin.list): the published API list cuts that row off after
//     "POST /ope…". Its body is {card_bin_no, page, size}, with no time window.
//   - Path variables whose names the docs do not render are named by what
//     they hold: GET /merchant/client/{card_no}/token and
//     GET /account/{cardholder_no}/info.
//   - Error texts of 2008, 2009, 3001, 3002 and 4001–4011 are ours (the
//     published table stops at 2007); 4005, 4016, 4017 follow the PIN page.
//   - Unknown paths answer HTTP 404 with code 404, a known path with the
//     wrong method HTTP 405 with code 405; a body over 1 MiB is 1004, and so
//     is a Content-Type other than JSON (an absent one is accepted).
//   - A list window may span 90 days from start_time to the start of
//     end_time's day (2026-01-01 to 2026-04-01 passes, to 2026-04-02 is 1020).
//   - The Auth answer is {code, message} with "0 indicates success", and
//     the docs leave "timeout or code ≠ 0" to an unpublished "authorization
//     orchestration strategy". mocksrv reads code 0 as approve; a non-zero
//     code as the merchant's refusal, declined with its message in the
//     remark ("Declined by merchant: …") unless the tenant's
//     auth_on_refusal is "approve"; and no answer within auth_window
//     (default 800 ms, at most MaxAuthWindow), a non-2xx status, a body
//     that is not {code, message} with an integer code (a string "0" is
//     not), or no webhook URL as the tenant's auth_fallback, "decline" by
//     default (the access guide: "otherwise the transaction fails"),
//     remark "Merchant authorization failed: <why>". The round trip is a
//     journal entry of type webhook and route Auth, with the fallback's
//     reason under error; it is not retried, and not in the outbox's
//     deliveries. Webhook fault rules on route Auth apply to it (a delay, a
//     drop, a raw status); a 2xx status with a body stands in for the
//     merchant's answer, which scenarios use to script it.
//   - Only authorizations ask the merchant; clearing, reversals, expiry and
//     refunds do not. Declines the platform makes first (card not
//     Activated, a steered decline, consume.decline) send no Auth callback.
//     The consumption is recorded once decided, so during the Auth call its
//     consume_no is not yet found (4011); if the card stopped being
//     Activated meanwhile, the authorization is declined card_inactive
//     whatever the merchant answered.
//   - Authorization-mode cards have no cardholder balance at KeySecure (the
//     docs: all cardholder funds are managed by the merchant, which approves
//     each authorization), so mocksrv applies no balance gate to them and
//     books what they spend as merchant_funded.
//   - Statuses of a purchase: Pending means authorized and not yet cleared,
//     Success final — cleared, or reversed in full (an expired
//     authorization included); Fail declined. A reversal or refund is a
//     consumption of its own, Success, naming the original in
//     consume_relate_no.
//   - Clearing for another amount (a tip, an exchange-rate difference)
//     changes the original's amount to what was reversed before plus what
//     cleared (so amount minus its reversals is what was spent), with
//     remark "Cleared X of Y authorized"; the difference moves exactly, even
//     below a zero credit balance (the network presents it; only transfers
//     refuse with 3001). Card events carry one amount: local_amount repeats
//     it and local_currency is the event's currency (no exchange rates).
//   - An approved authorization expires after auth_expiry (default 7 days;
//     the docs publish none) as a Reversal with remark "Authorization
//     expired"; clear_after (default 0, off) clears it by itself sooner.
//   - Fees follow the card's package (fee_detail): Consume_fee and Atm_fee
//     on what clears (held with the authorization meanwhile), Refund_fee on
//     refunds; a refund returns no fee. The other fee types (Auth_fee,
//     Decline_fee, Small_fee, …) are zero in the fixed catalogue and are
//     not charged.
//   - Decline reasons are not published; a consumption carries only its
//     remark. mocksrv's list (Declines) gives each a code and a text the
//     remark starts with: card_inactive, insufficient_balance,
//     issuer_declined, merchant_declined, merchant_no_answer,
//     risk_declined, limit_exceeded.
//   - The Consumption callback is sent for every consumption made and every
//     status change (Pending, Success, Fail), reversals and refunds
//     included; sandbox consume's one-shot purchase sends one, Success.
//   - The Consumption callback's payload is not published; mocksrv sends the
//     consume-info fields, with amounts as numbers and fee_detail.
//   - Access-Tokens live 2 h (WithTokenTTL, or a tenant's "token_ttl" option)
//     and coexist (WithTokenRevocation),
//     at most 1,000 per Api-Key (the next one revokes the one closest to
//     expiry); at most 60 token requests per Api-Key per minute, else 1009
//     (WithTokenRateLimit).
//   - The AES key is the api secret's UTF-8 bytes, which must be 16, 24 or
//     32 long (WithAESKey offers sha256 and base64). Default secrets are 32
//     characters. Private info's exp_year is 4 digits, exp_month 2.
//   - Integration mode defaults to BOTH so one tenant can call every
//     endpoint; a tenant can be created in CREDIT_EXTENSION or
//     AUTHORIZATION mode, and then the other mode's endpoints answer 1012.
//   - Cardholder info lists accounts under account_list (the docs' name is
//     not published) and only issued cards (ToActivate, Activated, Frozen)
//     under card_list.
//   - Callback data nested objects are signed as compact JSON with sorted
//     keys (fastjson's default ordering); the PCI iframe is not simulated,
//     only its one-time token.
//   - The card catalogue is fixed: packages PKG-VIRTUAL-STD, PKG-VIRTUAL-PLUS
//     (1.5% consumption fee), PKG-PHYSICAL-STD; BINs BIN-48655511 and
//     BIN-53199307.
package keysecure
