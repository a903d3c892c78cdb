package console

// Tailored views: what the console knows about a provider's admin state
// dump (GET /_mocksrv/tenants/{id}/{provider}/state), admin card actions
// and admin create kinds (POST /_mocksrv/tenants/{id}/{provider}/{kind}):
// field names only, read from the dumps' JSON; the console imports no
// provider. A provider without one here gets a generic view (generic.go);
// one here is optional, for forms, columns, card pages and a client
// snippet.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// providerView describes one provider to the console.
type providerView struct {
	Name, Title string
	Sections    []section
	// Cards is the key of the cards section; its ID, status and reason
	// fields, and the fields worth a column on a card page.
	Cards                            string
	CardID, CardStatus, CardReason   string
	CardUpdated, CardCreated         string
	CardFacts                        []string
	CardActions                      []string
	Forms                            []form
	Missing                          []string // what the dump does not carry
	Snippet                          func(base string, creds map[string]string) string
	authRefusal                      func(status int, body map[string]any) bool
	Summaries                        []string // top-level objects shown as key/value summaries
	Counts                           []string // top-level numbers shown as counts
	holderIDOf                       string   // the card field naming its holder
	holderSection, holderSectionIDOf string
	// Generic is set on a view built from the dump alone (generic.go).
	Generic bool
}

// section is one list in a state dump, paged and filtered by the console.
type section struct {
	Key, Title string
	// Path is where the list lives: a top-level key, or "accounts[].cards"
	// for a list inside each element of another (UQPay's accounts).
	Path    string
	ID      string // the record's ID field
	Status  string // the field to filter and count by ("" for none)
	Columns []string
	Card    bool // rows open the card page
	// Ordered keeps the dump's order (oldest first, or by due time);
	// other sections show the newest first.
	Ordered bool
}

// form is an admin create the console offers (POST …/{provider}/{kind}).
type form struct {
	Kind, Title, Help, Button string
	Fields                    []formField
}

type formField struct {
	Name, Label, Type, Help, Default string // Type: text, amount, number, select
	Options                          []string
	Required                         bool
}

func (p *providerView) section(key string) (section, bool) {
	for _, s := range p.Sections {
		if s.Key == key {
			return s, true
		}
	}
	return section{}, false
}

func (p *providerView) form(kind string) (form, bool) {
	for _, f := range p.Forms {
		if f.Kind == kind {
			return f, true
		}
	}
	return form{}, false
}

// AuthVerdict derives whether the provider's auth let a journaled request
// through, from its status and body: the journal records no verdict of
// its own.
func (p *providerView) AuthVerdict(status int, response string) string {
	if status == 0 {
		return "no answer"
	}
	var body map[string]any
	_ = json.Unmarshal([]byte(response), &body)
	refused := status == http.StatusUnauthorized || status == http.StatusForbidden // what a provider without a tailored view is judged by
	if p.authRefusal != nil {
		refused = p.authRefusal(status, body)
	}
	if refused {
		msg := str(body["message"])
		if msg == "" {
			msg = str(body["msg"])
		}
		return "refused: " + msg
	}
	return "passed"
}

// tailoredViews are the tailored views, by provider name.
var tailoredViews = map[string]*providerView{
	"keysecure": {
		Name: "keysecure", Title: "KeySecure",
		Sections: []section{
			{Key: "cards", Title: "Cards", Path: "cards", ID: "card_no", Status: "status", Card: true,
				Columns: []string{"card_no", "cardholder_no", "card_type", "status", "reason", "exp_month", "exp_year", "updated_at"}},
			{Key: "cardholders", Title: "Cardholders", Path: "cardholders", ID: "cardholder_no", Status: "status",
				Columns: []string{"cardholder_no", "email", "first_name", "last_name", "status", "fail_reason", "balance", "updated_at"}},
			{Key: "consumptions", Title: "Consumptions", Path: "consumptions", Status: "status"},
			{Key: "transfers", Title: "Transfers", Path: "transfers", Status: "status"},
			{Key: "scheduled", Title: "Scheduled", Path: "scheduled", ID: "seq", Columns: []string{"at", "kind", "key"}, Ordered: true},
		},
		Cards: "cards", CardID: "card_no", CardStatus: "status", CardReason: "reason", CardUpdated: "updated_at", CardCreated: "created_at",
		CardFacts:   []string{"cardholder_no", "card_type", "card_name", "package_no", "organization", "pan", "exp_month", "exp_year"},
		CardActions: []string{"freeze", "unfreeze", "activate", "cancel", "expire", "fail"},
		holderIDOf:  "cardholder_no", holderSection: "cardholders", holderSectionIDOf: "cardholder_no",
		Summaries: []string{"money"}, Counts: []string{"live_tokens"},
		Forms: []form{
			{Kind: "kyc", Title: "Decide a KYC", Button: "Decide", Help: "A cardholder whose KYC is still open (Pending, In_progress).",
				Fields: []formField{{Name: "cardholder_no", Label: "Cardholder no", Required: true}, decisionField, reasonField}},
			{Kind: "consumptions", Title: "Simulate a consumption", Button: "Simulate", Help: "Spends from the cardholder's balance, as POST /open-api/v1/sandbox/consume does.",
				Fields: []formField{{Name: "card_no", Label: "Card no", Required: true}, {Name: "amount", Label: "Amount", Type: "amount", Required: true, Default: "12.50"},
					{Name: "merchant_name", Label: "Merchant name", Help: "exactly “mocksrv:decline”: declined (rule consume.decline)"}, {Name: "type", Label: "Type", Type: "select", Options: []string{"", "Consumption", "Atm", "Refund", "Reversal"}}}},
			{Kind: "transfers", Title: "Transfer to or from a cardholder", Button: "Transfer",
				Fields: []formField{{Name: "cardholder_no", Label: "Cardholder no", Required: true}, {Name: "type", Label: "Direction", Type: "select", Options: []string{"In", "Out"}},
					{Name: "amount", Label: "Amount", Type: "amount", Required: true, Default: "100.00"}}},
			{Kind: "cardholders", Title: "Add a cardholder", Button: "Add",
				Fields: []formField{{Name: "email", Label: "Email"}, {Name: "status", Label: "Status", Type: "select", Options: []string{"", "Approved", "Pending", "In_progress", "Rejected"}},
					{Name: "balance", Label: "Balance", Type: "amount"}}},
			{Kind: "cards", Title: "Add a card", Button: "Add", Help: "Without a cardholder, an approved one is made.",
				Fields: []formField{{Name: "cardholder_no", Label: "Cardholder no"}, {Name: "status", Label: "Status", Type: "select", Options: []string{"", "Activated", "Pending", "ToActivate", "Frozen"}},
					{Name: "card_type", Label: "Type", Type: "select", Options: []string{"", "Virtual", "Physical"}}}},
		},
		Snippet: func(base string, c map[string]string) string {
			return fmt.Sprintf(`export KEYSECURE_BASE_URL=%s
export KEYSECURE_API_KEY=%s
export KEYSECURE_API_SECRET=%s
ts() { date +%%s%%3N; }
TOKEN=$(curl -s "$KEYSECURE_BASE_URL/open-api/v1/merchant/token" -H "Api-Key: $KEYSECURE_API_KEY" -H "Timestamp: $(ts)" |
  sed 's/.*"access_token":"\([^"]*\)".*/\1/')
curl -s "$KEYSECURE_BASE_URL/open-api/v1/card/list" -H "Api-Key: $KEYSECURE_API_KEY" -H "Timestamp: $(ts)" \
  -H "Access-Token: $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"start_time\":\"$(TZ=Asia/Shanghai date +%%F)\",\"end_time\":\"$(TZ=Asia/Shanghai date +%%F)\"}"`,
				shellQuote(base), shellQuote(c["api_key"]), shellQuote(c["api_secret"]))
		},
		authRefusal: func(_ int, b map[string]any) bool {
			return slices.Contains([]string{"1002", "1003", "1005", "1006", "1007", "1008"}, str(b["code"]))
		},
	},
	"bkj": {
		Name: "bkj", Title: "bkj",
		Sections: []section{
			{Key: "cards", Title: "Cards", Path: "cards", ID: "id", Status: "status", Card: true,
				Columns: []string{"id", "account_id", "type", "status", "currency", "balance", "no_pin_amount", "velocity_amount_limit", "remarks", "updated_at"}},
			{Key: "users", Title: "Users", Path: "users", ID: "id", Status: "kyc_status",
				Columns: []string{"id", "email", "first_name", "last_name", "kyc_status", "kyc_reason", "updated_at"}},
			{Key: "wallets", Title: "Wallets", Path: "wallets", ID: "id", Columns: []string{"id", "account_id", "currency", "balance", "frozen", "updated_at"}},
			{Key: "wallet_transactions", Title: "Wallet transactions", Path: "wallet_transactions", ID: "id", Status: "status"},
			{Key: "card_transactions", Title: "Card transactions", Path: "card_transactions", ID: "id", Status: "status"},
			{Key: "payees", Title: "Payees", Path: "payees", ID: "id"},
			{Key: "deposit_addresses", Title: "Deposit addresses", Path: "deposit_addresses", ID: "id"},
			{Key: "card_addresses", Title: "Card addresses", Path: "card_addresses", ID: "id"},
			{Key: "scheduled", Title: "Scheduled", Path: "scheduled", ID: "seq", Columns: []string{"at", "kind", "key"}, Ordered: true},
		},
		Cards: "cards", CardID: "id", CardStatus: "status", CardReason: "remarks", CardUpdated: "updated_at", CardCreated: "created_at",
		CardFacts:   []string{"account_id", "type", "channel_id", "currency", "balance", "no_pin_amount", "velocity_limit_window", "velocity_amount_limit", "pan", "expires_at", "label"},
		CardActions: []string{"freeze", "unfreeze", "activate", "block", "cancel", "expire", "delete"},
		holderIDOf:  "account_id", holderSection: "users", holderSectionIDOf: "id",
		Summaries: []string{"money"},
		Forms: []form{
			{Kind: "kyc", Title: "Decide a KYC", Button: "Decide", Help: "A user whose KYC is pending.",
				Fields: []formField{{Name: "user_id", Label: "User ID", Required: true}, decisionField, reasonField}},
			{Kind: "transactions", Title: "Simulate an authorization", Button: "Simulate",
				Fields: []formField{{Name: "card_id", Label: "Card ID", Required: true}, {Name: "amount", Label: "Amount", Type: "amount", Required: true, Default: "12.50"},
					{Name: "type", Label: "Type", Type: "select", Options: []string{"", "purchase", "refund", "reversal"}},
					{Name: "merchant_name", Label: "Merchant name", Help: "mocksrv:decline (rule auth.decline): declined"}, {Name: "related_id", Label: "Related transaction (refund, reversal)"},
					{Name: "decline", Label: "Decline reason (purchase)", Type: "select", Options: []string{"", "card_inactive", "insufficient_balance", "issuer_declined", "risk_declined", "limit_exceeded", "merchant_not_allowed"}}}},
			{Kind: "deposits", Title: "Simulate a deposit", Button: "Deposit",
				Fields: []formField{{Name: "account_id", Label: "User (account) ID", Required: true}, {Name: "currency", Label: "Currency", Type: "select", Options: []string{"USDT", "USDC"}},
					{Name: "amount", Label: "Amount", Type: "amount", Required: true, Default: "100"}}},
			{Kind: "withdrawals", Title: "Decide a pending withdrawal", Button: "Decide",
				Fields: []formField{{Name: "id", Label: "Wallet transaction ID", Required: true}, {Name: "decision", Label: "Decision", Type: "select", Options: []string{"success", "failed"}}}},
			{Kind: "users", Title: "Add a user", Button: "Add",
				Fields: []formField{{Name: "email", Label: "Email", Help: "kyc.reject@mocksrv.test or kyc.hold@mocksrv.test (any +tag): the KYC is refused or waits"},
					{Name: "kyc_status", Label: "KYC status", Type: "select", Options: []string{"", "approved", "pending", "unverified", "rejected"}}}},
			{Kind: "cards", Title: "Add a card", Button: "Add", Help: "Without a user, an approved one is made.",
				Fields: []formField{{Name: "account_id", Label: "User (account) ID"}, {Name: "status", Label: "Status", Type: "select", Options: []string{"", "active", "opening", "frozen", "processing_frozen"}},
					{Name: "balance", Label: "Balance", Type: "amount"}}},
		},
		Snippet: func(base string, c map[string]string) string {
			return fmt.Sprintf(`export BKJ_BASE_URL=%s
export BKJ_API_KEY=%s
export BKJ_API_SECRET=%s
# Every call is signed: X-Api-Key, X-Timestamp (Unix seconds), X-Nonce, X-Signature =
# hex HMAC-SHA256(secret, METHOD\nPATH\nQUERY\nX-Timestamp\nX-Nonce\nsha256(normalized body)).
TS=$(date +%%s) NONCE=$(openssl rand -hex 16)
SIG=$(printf 'GET\n/openapi/v1/card/list\npage=1&take=10\n%%s\n%%s\n' "$TS" "$NONCE" |
  openssl dgst -sha256 -hmac "$BKJ_API_SECRET" | awk '{print $NF}')
curl -s "$BKJ_BASE_URL/openapi/v1/card/list?page=1&take=10" -H "X-Api-Key: $BKJ_API_KEY" \
  -H "X-Timestamp: $TS" -H "X-Nonce: $NONCE" -H "X-Signature: $SIG"`,
				shellQuote(base), shellQuote(c["api_key"]), shellQuote(c["api_secret"]))
		},
		authRefusal: func(status int, b map[string]any) bool {
			code := str(b["code"])
			return status == http.StatusUnauthorized || strings.HasPrefix(code, "401")
		},
	},
	"uqpay": {
		Name: "uqpay", Title: "UQPay",
		Sections: []section{
			{Key: "cards", Title: "Cards", Path: "accounts[].cards", ID: "card_id", Status: "card_status", Card: true,
				Columns: []string{"card_id", "cardholder_id", "form_factor", "mode_type", "card_status", "update_reason", "card_currency", "balance", "card_limit", "no_pin_payment_amount", "update_time"}},
			{Key: "cardholders", Title: "Cardholders", Path: "accounts[].cardholders", ID: "cardholder_id", Status: "cardholder_status",
				Columns: []string{"cardholder_id", "email", "first_name", "last_name", "cardholder_status", "account_id", "update_time"}},
			{Key: "accounts", Title: "Accounts", Path: "accounts", ID: "account_id", Columns: []string{"account_id", "name", "master"}, Ordered: true},
			{Key: "balances", Title: "Balances", Path: "accounts[].balances", ID: "balance_id",
				Columns: []string{"balance_id", "currency", "available_balance", "frozen_balance", "margin_balance", "balance_status", "last_trade_time"}},
			{Key: "transactions", Title: "Card transactions", Path: "accounts[].transactions", ID: "transaction_id", Status: "transaction_status"},
			{Key: "card_orders", Title: "Card orders", Path: "accounts[].card_orders", ID: "card_order_id", Status: "order_status"},
			{Key: "balance_transactions", Title: "Balance transactions", Path: "accounts[].balance_transactions", ID: "transaction_id", Status: "transaction_status"},
			{Key: "transfers", Title: "Transfers", Path: "transfers"},
			{Key: "reports", Title: "Reports", Path: "reports"},
			{Key: "ledger", Title: "Ledger", Path: "ledger", ID: "currency", Ordered: true},
			{Key: "scheduled", Title: "Scheduled", Path: "scheduled", ID: "seq", Columns: []string{"at", "kind", "key"}, Ordered: true},
		},
		Cards: "cards", CardID: "card_id", CardStatus: "card_status", CardReason: "update_reason", CardUpdated: "update_time", CardCreated: "create_time",
		CardFacts:   []string{"account_id", "cardholder_id", "card_product_id", "card_scheme", "form_factor", "mode_type", "card_currency", "balance", "held", "consumed", "card_limit", "no_pin_payment_amount", "card_number", "exp_month", "exp_year", "failure_code"},
		CardActions: []string{"freeze", "unfreeze", "activate", "block", "unblock", "cancel", "expire", "fail", "lost", "stolen"},
		holderIDOf:  "cardholder_id", holderSection: "cardholders", holderSectionIDOf: "cardholder_id",
		Counts: []string{"live_tokens"},
		Forms: []form{
			{Kind: "kyc", Title: "Decide a KYC", Button: "Decide", Help: "A PENDING cardholder.",
				Fields: []formField{{Name: "cardholder_id", Label: "Cardholder ID", Required: true}, decisionField, reasonField}},
			{Kind: "transactions", Title: "Simulate an authorization", Button: "Simulate",
				Fields: []formField{{Name: "card_id", Label: "Card ID", Required: true}, {Name: "amount", Label: "Amount", Type: "amount", Required: true, Default: "12.50"},
					{Name: "transaction_type", Label: "Type", Type: "select", Options: []string{"", "AUTHORIZATION", "REFUND"}},
					{Name: "merchant_name", Label: "Merchant name", Help: "mocksrv:decline-cvv (or -funds, -fraud, -expired, -limit): declined"},
					{Name: "original_transaction_id", Label: "Original transaction (refund)"}}},
			{Kind: "deposits", Title: "Simulate a deposit", Button: "Deposit", Help: "Credits the master account's issuing balance (the sandbox's manual approval).",
				Fields: []formField{{Name: "currency", Label: "Currency", Type: "select", Options: []string{"USD", "SGD"}}, {Name: "amount", Label: "Amount", Type: "amount", Required: true, Default: "1000"}}},
			{Kind: "cardholders", Title: "Add a cardholder", Button: "Add",
				Fields: []formField{{Name: "email", Label: "Email", Help: "kyc.fail@mocksrv.test, kyc.pending@…, kyc.reject@…, kyc.hold@…: KYC outcomes"},
					{Name: "cardholder_status", Label: "Status", Type: "select", Options: []string{"", "SUCCESS", "PENDING", "INCOMPLETE", "FAILED"}}}},
			{Kind: "cards", Title: "Add a card", Button: "Add", Help: "Without a cardholder, an approved one is made.",
				Fields: []formField{{Name: "cardholder_id", Label: "Cardholder ID"}, {Name: "card_status", Label: "Status", Type: "select", Options: []string{"", "ACTIVE", "PENDING", "FROZEN", "BLOCKED"}},
					{Name: "balance", Label: "Balance", Type: "amount"}}},
		},
		Snippet: func(base string, c map[string]string) string {
			return fmt.Sprintf(`export UQPAY_BASE_URL=%s/api
export UQPAY_CLIENT_ID=%s
export UQPAY_API_KEY=%s
export UQPAY_WEBHOOK_SECRET=%s
TOKEN=$(curl -s -XPOST "$UQPAY_BASE_URL/v1/connect/token" -H "x-client-id: $UQPAY_CLIENT_ID" \
  -H "x-api-key: $UQPAY_API_KEY" | sed 's/.*"auth_token":"\([^"]*\)".*/\1/')
curl -s "$UQPAY_BASE_URL/v1/issuing/cards?page_size=10&page_number=1" -H "x-auth-token: Bearer $TOKEN"`,
				shellQuote(base), shellQuote(c["client_id"]), shellQuote(c["api_key"]), shellQuote(c["webhook_secret"]))
		},
		authRefusal: func(status int, b map[string]any) bool {
			return status == http.StatusUnauthorized || str(b["code"]) == "unauthorized_error"
		},
	},
	"decard": {
		Name: "decard", Title: "DeCard",
		Sections: []section{
			{Key: "cards", Title: "Cards", Path: "cards", ID: "cardId", Status: "cardStatus", Card: true,
				Columns: []string{"cardId", "externalUserId", "categoryId", "cardType", "cardStatus", "physicalCardStatus", "reason", "updatedAt"}},
			{Key: "users", Title: "Users", Path: "users", ID: "externalUserId", Status: "kycStatus",
				Columns: []string{"externalUserId", "mobileCode", "mobile", "name", "kycStatus", "kycUpdatedAt", "forbidCardTransaction"}},
			{Key: "applications", Title: "Card applications", Path: "applications", Status: "status"},
			{Key: "wallets", Title: "Wallets", Path: "wallets", Columns: []string{"externalUserId", "asset", "free", "freeze"}},
			{Key: "deposits", Title: "Deposits", Path: "deposits", Status: "status"},
			{Key: "scheduled", Title: "Scheduled", Path: "scheduled", ID: "seq", Columns: []string{"at", "kind", "key"}, Ordered: true},
		},
		Cards: "cards", CardID: "cardId", CardStatus: "cardStatus", CardReason: "reason", CardUpdated: "updatedAt", CardCreated: "createdAt",
		CardFacts:   []string{"externalUserId", "categoryId", "cardType", "physicalCardStatus", "pan", "cardHolder", "points"},
		CardActions: []string{"freeze", "unfreeze", "activate", "block", "cancel", "expire"},
		holderIDOf:  "externalUserId", holderSection: "users", holderSectionIDOf: "externalUserId",
		Summaries: []string{"fund_pool", "channel"}, Counts: []string{"card_transactions", "posted_statements", "asset_transactions", "open_streams"},
		Missing: []string{"card transactions and statements: the DeCard state dump carries only their counts (card_transactions, posted_statements)"},
		Forms: []form{
			{Kind: "kyc", Title: "Decide a KYC", Button: "Set",
				Fields: []formField{{Name: "externalUserId", Label: "User ID", Required: true}, {Name: "status", Label: "KYC status", Type: "select", Options: []string{"PASS", "REFUSE", "PENDING", "INIT", "UNDO"}}}},
			{Kind: "transactions", Title: "Simulate an authorization", Button: "Simulate", Help: "As fund-auth makes one; amount 9999.01 is declined (rule auth.decline).",
				Fields: []formField{{Name: "externalUserId", Label: "User ID", Required: true}, {Name: "cardId", Label: "Card ID"}, {Name: "amount", Label: "Amount", Type: "amount", Required: true, Default: "12.50"},
					{Name: "currency", Label: "Currency", Default: "USD"}, {Name: "merchantName", Label: "Merchant name"}}},
			{Kind: "deposits", Title: "Simulate a crypto deposit", Button: "Deposit", Help: "Amount 9999.13 fails (deposit.fail); 9999.14 waits an hour in PENDING_AUDIT (deposit.audit).",
				Fields: []formField{{Name: "externalUserId", Label: "User ID", Required: true}, {Name: "asset", Label: "Asset", Type: "select", Options: []string{"USDT", "USDC"}},
					{Name: "network", Label: "Network", Default: "TRON"}, {Name: "amount", Label: "Amount", Type: "amount", Required: true, Default: "100"}}},
			{Kind: "balances", Title: "Credit a balance", Button: "Credit",
				Fields: []formField{{Name: "externalUserId", Label: "User ID", Required: true}, {Name: "asset", Label: "Asset", Type: "select", Options: []string{"USD", "USDT", "USDC", "SGD"}},
					{Name: "amount", Label: "Amount", Type: "amount", Required: true, Default: "100"}}},
			{Kind: "users", Title: "Add a user", Button: "Add",
				Fields: []formField{{Name: "name", Label: "Name"}, {Name: "email", Label: "Email"}, {Name: "kycStatus", Label: "KYC status", Type: "select", Options: []string{"", "PASS", "PENDING", "INIT", "UNDO", "REFUSE"}}}},
			{Kind: "cards", Title: "Add a card", Button: "Add", Help: "Without a user, one with KYC PASS is made.",
				Fields: []formField{{Name: "externalUserId", Label: "User ID"}, {Name: "cardStatus", Label: "Status", Type: "select", Options: []string{"", "NORMAL", "INACTIVE", "FROZEN"}}}},
		},
		Snippet: func(base string, c map[string]string) string {
			return fmt.Sprintf(`export DECARD_BASE_URL=%s
export DECARD_API_KEY=%s
export DECARD_API_SECRET=%s
# X-DAPI-SIGN = hex HMAC-SHA256(secret as text, apiKey + timestamp + nonce + payload);
# payload: the query string of a GET, the raw body of a POST.
ts=$(($(date +%%s) * 1000)) nonce=$((10000 + RANDOM %% 90000)) q='externalUserId=someone'
sign=$(printf '%%s' "$DECARD_API_KEY$ts$nonce$q" | openssl dgst -sha256 -hmac "$DECARD_API_SECRET" | sed 's/^.*= //')
curl -s "$DECARD_BASE_URL/account/v1/kyc-status?$q" -H "X-DAPI-API-KEY: $DECARD_API_KEY" \
  -H "X-DAPI-TIMESTAMP: $ts" -H "X-DAPI-NONCE: $nonce" -H "X-DAPI-SIGN: $sign"`,
				shellQuote(base), shellQuote(c["api_key"]), shellQuote(c["api_secret"]))
		},
		authRefusal: func(_ int, b map[string]any) bool {
			code := str(b["code"])
			return strings.HasPrefix(code, "DAPI_") && code != "DAPI_CARD_ORDER_KYC_VERIFY_FAILED" && code != "DAPI_SYSTEM_ERROR" && code != "DAPI_OPERATION_UNSUPPORTED"
		},
	},
}

var (
	decisionField = formField{Name: "decision", Label: "Decision", Type: "select", Options: []string{"approve", "reject"}}
	reasonField   = formField{Name: "reason", Label: "Reason (for a refusal)"}
)

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
