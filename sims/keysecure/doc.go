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
// extension, POST /open-api/v1/sandbox/consume, which simulates a purchase,
// ATM withdrawal, refund or reversal on a card.
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
//	consume.decline  merchant_name        mocksrv:decline     the issuer declines the purchase (status Fail, remark says why)
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
// # Money
//
// Exact decimals in TUSDT. Transfers In move money from the merchant
// reserve (1,000,000.00 at start) to a cardholder, Out the other way; no
// balance goes below zero (3001). Consumptions take amount plus fees from
// the cardholder; refunds and reversals return an earlier debit's amount.
// Reserve + balances + paid to merchants + fees never changes (Ledger).
//
// # Callbacks
//
// Card_update, Consumption and Auth (authorization mode, for cards applied
// by BIN) are POSTed as {id, action, data} to the tenant's KeySecure webhook
// URL with headers Timestamp, Signature, Sign-Version: V1 and Timezone:
// UTC+8, signed as SignUtils does (see CallbackSignature), and retried with
// backoff until the merchant answers {"code":0}.
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
//   - The Auth callback is a notification, like Consumption: mocksrv decides
//     the authorization itself (declines are steered by magic values, README
//     "Outcomes") and the merchant's answer only acknowledges delivery. The
//     real platform waits up to 800 ms for that answer and lets it decide.
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
