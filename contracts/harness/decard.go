package harness

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

func init() { scripts["decard"] = decardScript }

// decardScript walks DeCard's read endpoints for one user, provokes the
// documented gateway (DAPI_*) and business errors, and with writes allowed
// registers a user with an SMS code, applies for a virtual card, freezes
// and unfreezes a card with a CARD_UNFROZEN code, provisions it to Apple
// Pay and Google Pay, simulates card authorisations, moves money in and
// out of the wallet, pays a QR order, and walks financial connection: a
// user and their card, a payment, a transfer to spending and a withdrawal.
//
// The user is, in order: the credentials' external_user_id (a sandbox
// user of the team's own), a user with a card and funds created through
// the admin API when the server is a mocksrv, or — with writes allowed —
// the user the conversation registers. Against a real sandbox without
// either, only the steps that need no user run. The financial-connection
// steps that move money use the credentials' fc_external_user_id (a
// funded financial-connection user), or on a mocksrv one the admin API
// funds by bank transfer.
func decardScript(ctx context.Context, c *conversation) error {
	key, secret := c.opts.Credentials["api_key"], c.opts.Credentials["api_secret"]
	if key == "" || secret == "" {
		return fmt.Errorf("decard credentials need api_key and api_secret")
	}
	d := &decardConv{c: c, ctx: ctx, key: key, sms: decard.DefaultSMSCode}
	if code := c.opts.Credentials["sms_code"]; code != "" {
		d.sms = code
	}
	d.dc = decard.NewClient(c.opts.BaseURL, key, secret)
	d.dc.HTTP = c.opts.HTTP
	// A nonce is single-use per key and timestamp: count up from a random
	// start instead of drawing, so two calls in one millisecond never clash.
	next := 10000 + rand.IntN(80000)
	d.dc.Nonce = func() int {
		next++
		if next > 99999 {
			next = 10000
		}
		return next
	}
	d.mocksrv = c.mocksrvAdmin(ctx)
	if d.mocksrv {
		d.tenant = c.tenantOf(ctx, "api_key", key)
	}
	if d.tenant != "" {
		mark := c.webhookMark(ctx, d.tenant)
		defer c.checkWebhooks(ctx, d.tenant, mark, nil)
	}
	d.now = c.serverNow(ctx, "api_key", key)
	d.suffix = strconv.FormatInt(core.WallNow().UnixNano(), 36)

	first := d.get("card.list", "/card/v1/list", nil, "success")
	if digString(first, "code") != "SYS_SUCCESS" {
		return fmt.Errorf("the first signed call failed (%s); check the credentials and the base URL", digString(first, "code"))
	}
	d.withoutUser()
	d.authErrors()
	stream := d.openStream()

	user := c.opts.Credentials["external_user_id"]
	d.fcUser = c.opts.Credentials["fc_external_user_id"]
	var card decardCard
	if user == "" && d.tenant != "" {
		var err error
		if user, card, err = d.seed(); err != nil {
			return err
		}
	}
	if user == "" && c.opts.AllowWrites {
		user = d.register()
	}
	if user == "" {
		c.skip("account.kyc_status", "no user: against a real sandbox pass external_user_id in the credentials, or --allow-writes to register one")
	} else {
		card = d.userReads(user, card)
		d.qrReads(user)
	}
	d.fcReads()
	if c.opts.AllowWrites && user != "" {
		d.writes(user, card)
		d.qrWrites(user)
	}
	if c.opts.AllowWrites {
		d.fcWrites()
	}
	d.drain(stream)
	return nil
}

// decardConv is one run of the DeCard conversation.
type decardConv struct {
	c       *conversation
	ctx     context.Context
	dc      *decard.Client
	key     string
	sms     string    // the sandbox SMS code
	mocksrv bool      // the server is a mocksrv (its admin API answers)
	tenant  string    // the mocksrv tenant of the credentials
	now     time.Time // the server's business time at the start
	suffix  string    // makes this run's ids unique
	newUser string    // the user the conversation registered
	fcUser  string    // a financial-connection user with money in their USD account, when there is one
}

// decardCard is a card the conversation works with.
type decardCard struct{ id, mantissa string }

// get sends a signed GET and records it.
func (d *decardConv) get(op, path string, params []decard.Param, want ...string) map[string]any {
	resp, err := d.dc.Get(d.ctx, path, params...)
	if err != nil {
		return d.c.record(op, http.MethodGet, path, nil, 0, []byte(err.Error()), want)
	}
	return d.c.record(op, http.MethodGet, path, nil, resp.Status, resp.Body, want)
}

// post sends a signed POST and records it with the body as sent.
func (d *decardConv) post(op, path string, body any, want ...string) map[string]any {
	raw, err := d.dc.Body(body)
	if err != nil {
		return d.c.record(op, http.MethodPost, path, nil, 0, []byte(err.Error()), want)
	}
	resp, err := d.dc.Post(d.ctx, path, raw)
	if err != nil {
		return d.c.record(op, http.MethodPost, path, raw, 0, []byte(err.Error()), want)
	}
	return d.c.record(op, http.MethodPost, path, raw, resp.Status, resp.Body, want)
}

// raw sends exactly the headers given (for provoked gateway errors).
func (d *decardConv) raw(op, method, path, query string, body []byte, h http.Header, want ...string) map[string]any {
	target := path
	if query != "" {
		target += "?" + query
	}
	resp, err := d.dc.DoRaw(d.ctx, method, target, body, h)
	if err != nil {
		return d.c.record(op, method, path, body, 0, []byte(err.Error()), want)
	}
	return d.c.record(op, method, path, body, resp.Status, resp.Body, want)
}

// withoutUser covers what needs no user.
func (d *decardConv) withoutUser() {
	d.get("crypto.network_coin", "/crypto/v1/network-coin", decard.Q("type", "DEPOSIT"), "success")
	d.get("asset.transfer_query", "/user-asset/v1/transfer-query", decard.Q("externalTranIds", "ct-none-"+d.suffix), "success")
	d.get("asset.transfer_query", "/user-asset/v1/transfer-query", nil, "error ACCOUNT_INVALID_PARAMETER")
	d.get("websocket.search", "/websocket/v1/search", decard.Q("version", "1"), "success")
	d.get("websocket.search", "/websocket/v1/search", decard.Q("version", "0"), "error ACCOUNT_INVALID_PARAMETER")
	nobody := fmt.Sprintf("00000000-0000-4000-8000-%012d", rand.Int64N(1e12))
	d.get("account.kyc_status", "/account/v1/kyc-status", decard.Q("externalUserId", nobody), "error ACCOUNT_USER_NOT_EXIST")
	d.get("crypto.deposit_address", "/crypto/v1/deposit-address", decard.Q("externalUserId", nobody, "network", "TRON", "coin", "BTC"),
		"error CARD_TRANSACTION_UNSUPPORTED_CURRENCY")
}

// authErrors provokes each X-DAPI failure on the card list, in the order
// DeCard's gateway checks them.
func (d *decardConv) authErrors() {
	const op, path = "card.list", "/card/v1/list"
	signed := func(edit func(h http.Header)) http.Header {
		_, h := d.dc.Sign(http.MethodGet, nil, nil)
		if edit != nil {
			edit(h)
		}
		return h
	}
	d.raw(op, http.MethodGet, path, "", nil, signed(func(h http.Header) { h.Del(decard.HeaderAPIKey) }), "error DAPI_API_KEY_EMPTY")
	d.raw(op, http.MethodGet, path, "", nil, signed(func(h http.Header) { h.Del(decard.HeaderTimestamp) }), "error DAPI_TIMESTAMP_EMPTY")
	d.raw(op, http.MethodGet, path, "", nil, signed(func(h http.Header) { h.Set(decard.HeaderTimestamp, "yesterday") }), "error DAPI_TIMESTAMP_FORMAT_ERROR")
	for _, skew := range []time.Duration{-5 * time.Minute, time.Minute} {
		shifted := *d.dc
		shifted.Now = func() time.Time { return core.WallNow().Add(skew) }
		_, h := shifted.Sign(http.MethodGet, nil, nil)
		d.raw(op, http.MethodGet, path, "", nil, h, "error DAPI_TIMESTAMP_EXPIRED")
	}
	d.raw(op, http.MethodGet, path, "", nil, signed(func(h http.Header) { h.Set(decard.HeaderNonce, "123") }), "error DAPI_NONCE_ILLEGAL")
	d.raw(op, http.MethodGet, path, "", nil, signed(func(h http.Header) { h.Set(decard.HeaderAPIKey, "nobody-"+d.suffix) }), "error DAPI_SECRET_KEY_EMPTY")
	d.raw(op, http.MethodGet, path, "", nil, signed(func(h http.Header) { h.Del(decard.HeaderSign) }), "error DAPI_SIGNATURE_ERROR")
	d.raw(op, http.MethodGet, path, "", nil, signed(func(h http.Header) { h.Set(decard.HeaderSign, strings.Repeat("0", 64)) }), "error DAPI_SIGNATURE_ERROR")
	// The signature covers the query: changing it after signing breaks it.
	query, h := d.dc.Sign(http.MethodGet, decard.Q("version", "1"), nil)
	d.raw("websocket.search", http.MethodGet, "/websocket/v1/search", strings.Replace(query, "1", "2", 1), nil, h, "error DAPI_SIGNATURE_ERROR")
	// A request is accepted once: the same headers again are a replay.
	replay := signed(nil)
	d.raw(op, http.MethodGet, path, "", nil, replay, "success")
	d.raw(op, http.MethodGet, path, "", nil, replay, "error DAPI_NONCE_ILLEGAL")
}

// openStream gets a push channel and, on a mocksrv (whose stream shares
// the API's host), connects to it so the pushes of the run can be checked.
func (d *decardConv) openStream() *decard.Stream {
	if !d.mocksrv && !d.c.opts.AllowWrites {
		d.c.skip("websocket.get_channel", "a new channel retires the partner's current one; run with --allow-writes")
		return nil
	}
	ch := digString(d.get("websocket.get_channel", "/websocket/v1/get-channel", decard.Q("channel", "TEST"), "success"), "data")
	if !d.mocksrv || ch == "" {
		d.c.skip("stream.connect", "the stream is on another host than the API (wss://stream.uatdcd.com)")
		return nil
	}
	// Without a WebSocket handshake, and on an unknown channel, the stream
	// answers DeCard's failure envelope.
	d.raw("stream.connect", http.MethodGet, "/ws/unknown-"+d.suffix, "", nil, http.Header{}, "error DAPI_PERMISSION_DENIED")
	s, err := d.dc.Dial(d.ctx, ch)
	if err != nil {
		d.c.skip("stream.connect", "could not connect to the stream: "+err.Error())
		return nil
	}
	return s
}

// drain reads the pushes the run caused and checks each against its
// event's contract.
func (d *decardConv) drain(s *decard.Stream) {
	if s == nil {
		return
	}
	defer func() { _ = s.Close() }()
	for {
		ctx, cancel := context.WithTimeout(d.ctx, 500*time.Millisecond)
		m, err := s.Next(ctx)
		cancel()
		if err != nil {
			return
		}
		d.push(m)
	}
}

// push records one stream message checked against its event's contract.
func (d *decardConv) push(m decard.StreamMessage) {
	d.c.recordWebhook(m.Type, fmt.Sprintf("stream message %s (version %s)", m.Type, m.Version), m.Raw, "")
}

// seed gives a mocksrv tenant a user with funds, a card and one card
// transaction, which the read steps need and the provider API cannot make
// at once (a card is issued only after a KYC review on the business clock).
func (d *decardConv) seed() (string, decardCard, error) {
	base := "/_mocksrv/tenants/" + d.tenant + "/decard/"
	u, err := d.c.adminPost(d.ctx, base+"users", `{"balances":{"USD":"100"}}`)
	if err != nil {
		return "", decardCard{}, err
	}
	user := digString(u, "externalUserId")
	cd, err := d.c.adminPost(d.ctx, base+"cards", fmt.Sprintf(`{"externalUserId":%q}`, user))
	if err != nil {
		return "", decardCard{}, err
	}
	card := decardCard{id: digString(cd, "cardId")}
	if pan := digString(cd, "pan"); len(pan) >= 4 {
		card.mantissa = pan[len(pan)-4:]
	}
	_, err = d.c.adminPost(d.ctx, base+"transactions", fmt.Sprintf(`{"externalUserId":%q,"cardId":%q,"amount":"12.34"}`, user, card.id))
	if err != nil {
		return "", decardCard{}, err
	}
	if d.fcUser == "" {
		fc, err := d.c.adminPost(d.ctx, base+"fc_users", `{"balances":{"USD":"100"}}`)
		if err != nil {
			return "", decardCard{}, err
		}
		d.fcUser = digString(fc, "externalUserId")
	}
	return user, card, nil
}

// register sends a REGISTER code to a fresh number and registers with it
// (once per run), provoking the SMS errors on the way.
func (d *decardConv) register() string {
	if d.newUser != "" {
		return d.newUser
	}
	mobile := fmt.Sprintf("8%07d", core.WallNow().UnixNano()/1000%10_000_000)
	send := map[string]any{"mobileCode": "SG", "mobile": mobile, "behavioral": "REGISTER"}
	d.post("captcha.send_mobile_code", "/captcha/v1/send-mobile-code", send, "success")
	d.post("captcha.send_mobile_code", "/captcha/v1/send-mobile-code", send, "error RISK_FAILED", "success")
	d.post("captcha.send_mobile_code", "/captcha/v1/send-mobile-code", map[string]any{"mobileCode": "SG", "mobile": mobile, "behavioral": "LOGIN"},
		"error MFA_UNSUPPORTED_FAILED")
	wrong := "000000"
	if d.sms == wrong {
		wrong = "999999"
	}
	reg := map[string]any{"mobileCode": "SG", "mobile": mobile, "smsCode": wrong}
	d.post("account.register", "/account/v1/register", reg, "error MFA_SMS_FAILED")
	reg["smsCode"] = d.sms
	d.newUser = digString(d.post("account.register", "/account/v1/register", reg, "success"), "data")
	if d.newUser != "" {
		d.post("account.register", "/account/v1/register", reg, "error ACCOUNT_USER_MOBILE_ALREADY_USED")
		d.post("captcha.send_mobile_code", "/captcha/v1/send-mobile-code", send, "error ACCOUNT_USER_MOBILE_ALREADY_USED")
	}
	return d.newUser
}

// userReads covers the read endpoints of one user and returns the card
// the rest of the run uses (card, or the user's first).
func (d *decardConv) userReads(user string, card decardCard) decardCard {
	q := func(kv ...string) []decard.Param { return decard.Q(append([]string{"externalUserId", user}, kv...)...) }
	d.get("account.kyc_status", "/account/v1/kyc-status", q(), "success")
	d.get("account.kyc_status_v2", "/account/v2/kyc-status", q(), "success")
	d.get("account.user_status", "/account/v1/user-status", q(), "success")
	d.get("account.query_travel_rule", "/account/v1/query-travel-rule", q(), "success")
	d.get("account.query_travel_rule_v2", "/account/v2/query-travel-rule", q(), "success")

	d.get("card.detail", "/card/v1/detail", q(), "success")
	cards := d.get("card.detail_v2", "/card/v2/detail", q(), "success")
	if card.id == "" {
		card.id = digString(cards, "data", 0, "cardId")
		if no := digString(cards, "data", 0, "cardNo"); len(no) >= 4 {
			card.mantissa = no[len(no)-4:]
		}
	}
	d.get("card.detail_v2", "/card/v2/detail", q("cardId", "1"+strings.Repeat("0", 18)), "error CARD_NOT_EXISTED")
	d.get("card.detail", "/card/v1/detail", q("cardMantissa", "12"), "error ACCOUNT_INVALID_PARAMETER")
	if card.id != "" {
		d.cardReads(user, card)
	} else {
		d.c.skip("card.statements", "the user has no card yet")
	}
	d.get("card.fiat_transactions", "/card/v1/fiat/transactions", q("page", "1", "rows", "20"), "success")
	applies := d.get("card.apply_list", "/card/v1/apply-list", q(), "success")
	if id := digString(applies, "data", 0, "applyId"); id != "" {
		d.get("card.virtual_detail", "/card/v1/virtual-card/detail", q("applyId", id), "success")
	}
	d.get("card.virtual_detail", "/card/v1/virtual-card/detail", q("applyRef", "ct-none-"+d.suffix), "error CARD_TRANSACTION_NO_SUCH_TRANSACTION")

	d.get("asset.balance", "/user-asset/v1/balance", q(), "success")
	ledger := d.post("asset.transactions", "/user-asset/v1/transactions", map[string]any{"externalUserId": user, "page": 1, "size": 20}, "success")
	if id := digString(ledger, "data", 0, "tranId"); id != "" {
		d.post("asset.transaction_detail", "/user-asset/v1/transaction-detail",
			map[string]any{"externalUserId": user, "tranId": id, "externalTranId": digString(ledger, "data", 0, "externalId"), "type": digString(ledger, "data", 0, "type")},
			"success")
	}
	d.post("asset.transaction_detail", "/user-asset/v1/transaction-detail",
		map[string]any{"externalUserId": user, "tranId": "1" + strings.Repeat("0", 18), "externalTranId": "1" + strings.Repeat("0", 18), "type": "DEPOSIT"},
		"error CARD_TRANSACTION_NO_SUCH_TRANSACTION")
	d.post("asset.transactions", "/user-asset/v1/transactions", map[string]any{"externalUserId": user, "page": 1, "size": 101}, "error ACCOUNT_INVALID_PARAMETER")

	d.get("crypto.deposit_address", "/crypto/v1/deposit-address", q("network", "TRON", "coin", "USDT"), "success")
	d.get("crypto.deposit_address_v2", "/crypto/v2/deposit-address", q("network", "TRON", "coin", "USDT"), "success")
	d.post("crypto.bank_address", "/crypto/v1/bank-address", map[string]any{"externalUserId": user, "network": "FAST"}, "success")
	return card
}

// cardReads covers one card's details, statements and transactions.
func (d *decardConv) cardReads(user string, card decardCard) {
	byID := func(kv ...string) []decard.Param {
		return decard.Q(append([]string{"externalUserId", user, "cardId", card.id}, kv...)...)
	}
	byMantissa := func(kv ...string) []decard.Param {
		return decard.Q(append([]string{"externalUserId", user, "cardMantissa", card.mantissa}, kv...)...)
	}
	d.get("card.detail", "/card/v1/detail", byMantissa(), "success")
	d.get("card.detail_v2", "/card/v2/detail", byID(), "success")
	list := d.get("card.statements", "/card/v1/statements", byMantissa(), "success")
	d.get("card.statements_v2", "/card/v2/statements", byID("page", "1", "rows", "10"), "success")
	d.get("card.statements_v2", "/card/v2/statements", byID("rows", "101"), "error ACCOUNT_INVALID_PARAMETER")
	d.get("card.statements", "/card/v1/statements", byMantissa("page", "0"), "error ACCOUNT_INVALID_PARAMETER")
	rows := d.get("card.statement_detail", "/card/v1/statements/detail", byMantissa("statementId", "NO_POSTED"), "success")
	d.get("card.statement_detail_v2", "/card/v2/statements/detail", byID("statementId", "NO_POSTED", "page", "1", "rows", "10"), "success")
	if id := digString(list, "data", 1, "statementId"); id != "" {
		d.get("card.statement_detail_v2", "/card/v2/statements/detail", byID("statementId", id), "success")
	}
	d.get("card.statement_detail", "/card/v1/statements/detail", byMantissa("statementId", "0"+d.suffix), "error CARD_TRANSACTION_NO_SUCH_TRANSACTION")
	d.post("card.transactions", "/card/v1/transactions",
		map[string]any{"externalUserId": user, "cardMantissa": card.mantissa, "page": 1, "size": 10}, "success")
	d.post("card.transactions", "/card/v1/transactions",
		map[string]any{"externalUserId": user, "cardMantissa": card.mantissa, "page": 1, "size": 101}, "error ACCOUNT_INVALID_PARAMETER")
	ids := []any{"1" + strings.Repeat("0", 23)}
	if id := digString(rows, "data", 0, "id"); id != "" {
		ids = append(ids, id)
	}
	d.post("card.transaction_id_resolve", "/card/v1/transaction/id/resolve", map[string]any{"ids": ids}, "success")
	d.get("card.physical_shipping_info", "/card/v1/physical-shipping-info", byMantissa(), "success", "error CARD_PHYSICAL_CARD_UNAPPLY")
	d.get("card.physical_shipping_info_v2", "/card/v2/physical-shipping-info", byID(), "success", "error CARD_PHYSICAL_CARD_UNAPPLY")
}

// writes registers a second user and walks the account, application,
// card and money writes.
func (d *decardConv) writes(user string, card decardCard) {
	if other := d.register(); other != "" {
		d.accountWrites(user, other)
		d.applyWrites(other)
	}
	if card.id != "" {
		d.cardWrites(user, card)
	} else {
		d.c.skip("card.block", "the user has no card yet")
	}
	d.moneyWrites(user)
}

// accountWrites: travel rule, extra info, invitation, uploads.
func (d *decardConv) accountWrites(user, other string) {
	rule := map[string]any{"externalUserId": other, "channelName": "mocksrv contract test", "institutionName": "mocksrv",
		"name": "ADA LOVELACE", "id": map[string]any{"type": "PASSPORT", "value": "E1234567", "countryOfIssue": "SG"},
		"address":     map[string]any{"city": "Singapore", "country": "SG", "postalCode": "048616", "addressLines": "1 Raffles Place"},
		"dateOfBirth": "1990-12-10", "placeOfBirth": "SG"}
	d.post("account.update_travel_rule", "/account/v1/update-travel-rule", rule, "success")
	d.get("account.query_travel_rule_v2", "/account/v2/query-travel-rule", decard.Q("externalUserId", other), "success")
	rule["placeOfBirth"] = "XX"
	d.post("account.update_travel_rule", "/account/v1/update-travel-rule", rule, "error CARD_COUNTRY_NOT_EXISTED")
	d.post("account.update_extra_info", "/account/v1/update-extra-info", map[string]any{"externalUserId": other, "virtualCardFullName": "ADA LOVELACE"}, "success")
	if user != other {
		bind := map[string]any{"externalUserId": other, "externalInviterUserId": user}
		d.post("account.bind_invite_relationship", "/account/v1/bind-invite-relationship", bind, "success")
		d.post("account.bind_invite_relationship", "/account/v1/bind-invite-relationship", bind, "error ACCOUNT_USER_INVITATION_CODE_RELATIONSHIP_EXIST")
	}
	d.post("account.bind_invite_relationship", "/account/v1/bind-invite-relationship",
		map[string]any{"externalUserId": other, "externalInviterUserId": "00000000-0000-4000-8000-" + strings.Repeat("0", 12)}, "error ACCOUNT_INVITATION_CODE_NOT_EXIST")
	d.post("account.file_upload_prepare", "/account/v1/generate-file-upload-prepare", map[string]any{"fileNames": []string{"payslip.pdf"}}, "success")
	d.post("account.file_upload_prepare", "/account/v1/generate-file-upload-prepare", map[string]any{"fileNames": []string{"payslip.exe"}}, "error KYC_UNSUPPORTED_FILE_TYPE")
}

// kycInfo is a complete kycInfo; its email's local part starts with
// "edd", so the application asks for EDD documents.
func (d *decardConv) kycInfo() map[string]any {
	return map[string]any{
		"sumsubShareToken": "_act-sbx-jwt-mocksrv", "email": "edd-" + d.suffix + "@example.com", "poaDocType": "UTILITY_BILL",
		"poaDocUrlList": []string{"uploads/contract/bill.pdf"}, "poaDocDate": d.now.AddDate(0, 0, -10).Format("2006-01-02"),
		"addressLine1": "1 Raffles Place", "addressLine2": "#20-01", "state": "SG", "city": "Singapore", "postalCode": "048616", "country": "SG",
		"employmentStatus": "EMPLOYED", "employerName": "Acme Pte Ltd", "employmentJobIndustry": "PAYMENTS",
		"occupation": "SYSTEMS_ENGINEER", "jobSeniority": "EXECUTIVE", "purposeOfAccount": "DAILY_SPENDING",
		"sourceOfFunds": "OWN_BANK_ACCOUNT", "sourceOfFundsCountry": "SG", "sourceOfWealth": "EMPLOYMENT",
	}
}

// applyWrites applies for a virtual card (twice: applyRef is the
// idempotency key), sends EDD documents and asks for a KYC link.
func (d *decardConv) applyWrites(user string) {
	ref := "ct-" + d.suffix
	apply := map[string]any{"externalUserId": user, "categoryId": "10102000", "applyRef": ref, "kycInfo": d.kycInfo()}
	a := d.post("card.virtual_apply", "/card/v1/virtual-card/apply", apply, "success")
	d.post("card.virtual_apply", "/card/v1/virtual-card/apply", apply, "success")
	bad := d.kycInfo()
	bad["occupation"] = "ASTRONAUT"
	d.post("card.virtual_apply", "/card/v1/virtual-card/apply",
		map[string]any{"externalUserId": user, "categoryId": "20102000", "applyRef": ref + "-bad", "kycInfo": bad}, "error ACCOUNT_INVALID_PARAMETER")
	d.post("card.virtual_apply", "/card/v1/virtual-card/apply",
		map[string]any{"externalUserId": user, "categoryId": "99999999", "applyRef": ref + "-cat", "kycInfo": d.kycInfo()}, "error CARD_UNSUPPORTED_CARD_TYPE")
	d.get("card.virtual_detail", "/card/v1/virtual-card/detail", decard.Q("externalUserId", user, "applyRef", ref), "success")
	d.get("card.apply_list", "/card/v1/apply-list", decard.Q("externalUserId", user), "success")
	if id := digString(a, "data", "applyId"); id != "" {
		prep := d.post("account.file_upload_prepare", "/account/v1/generate-file-upload-prepare", map[string]any{"fileNames": []string{"salary.pdf"}}, "success")
		edd := map[string]any{"externalUserId": user, "requestRef": "ct-edd-" + d.suffix, "applyId": id,
			"eddSowSalary": map[string]any{"employerName": "Acme Pte Ltd", "jobTitle": "Engineer", "annualIncome": "120000", "docUrls": []any{map[string]any{"fileName": "salary.pdf", "filePath": digString(prep, "data", 0, "objectKey")}}}}
		want := "error ACCOUNT_UNSUPPORTED_OPERATE"
		if b, _ := dig(a, "data", "needEddFile").(bool); b {
			want = "success"
		}
		d.post("account.upload_edd_file", "/account/v1/upload-edd-file", edd, want)
	}
	link := map[string]any{"action": "KYC_GUIDE", "externalUserId": user, "successRedirectUrl": "https://example.com/ok", "errorRedirectUrl": "https://example.com/error"}
	d.post("redirect.guidance_link", "/redirect/v1/guidance-link", link, "success", "error KYC_WORKFLOW_PROCESSING")
	link["action"] = "TELEPORT"
	d.post("redirect.guidance_link", "/redirect/v1/guidance-link", link, "error ACCOUNT_INVALID_PARAMETER")
	d.post("simulation.generate_kyc_token", "/simulation/v1/generate-kyc-token", map[string]any{"externalUserId": user}, "success")
}

// cardWrites freezes the card, unfreezes it with a CARD_UNFROZEN code,
// orders its physical card and simulates authorisations.
func (d *decardConv) cardWrites(user string, card decardCard) {
	d.post("card.block", "/card/v1/block", map[string]any{"externalUserId": user, "block": true, "cardMantissa": card.mantissa}, "success")
	d.post("card.block", "/card/v1/block", map[string]any{"externalUserId": user, "block": true, "cardMantissa": card.mantissa}, "error CARD_FROZEN_STATUS_UNSUPPORTED")
	spend := func(amount string) map[string]any {
		return map[string]any{"externalUserId": user, "cardId": card.id, "authType": "EXPEND", "amount": amount, "currency": "USD"}
	}
	d.post("simulation.fund_auth_v2", "/simulation/v2/fund-auth", spend("1.00"), "success") // declined: the card is frozen
	d.post("card.google_bind_wallet_v2", "/card/v2/google-bind-wallet",
		map[string]any{"externalUserId": user, "cardId": card.id, "clientCustomerId": "ct-" + d.suffix, "deviceId": "ct-device"}, "error CARD_FROZEN_STATUS_UNSUPPORTED")
	unfreeze := map[string]any{"externalUserId": user, "block": false, "cardId": card.id}
	d.post("card.block_v2", "/card/v2/block", unfreeze, "error ACCOUNT_CAPTCHA_CODE_ERROR")
	d.post("captcha.send_mobile_code", "/captcha/v1/send-mobile-code", map[string]any{"externalUserId": user, "behavioral": "CARD_UNFROZEN"}, "success")
	unfreeze["smsCode"] = "000000"
	if d.sms == "000000" {
		unfreeze["smsCode"] = "999999"
	}
	d.post("card.block_v2", "/card/v2/block", unfreeze, "error MFA_SMS_FAILED")
	unfreeze["smsCode"] = d.sms
	d.post("card.block_v2", "/card/v2/block", unfreeze, "success")
	d.post("card.block_v2", "/card/v2/block", unfreeze, "error CARD_FROZEN_STATUS_UNSUPPORTED")
	d.walletWrites(user, card)

	link := map[string]any{"action": "CREATE_PHYSICAL_CARD", "externalUserId": user, "cardId": card.id,
		"successRedirectUrl": "https://example.com/ok", "errorRedirectUrl": "https://example.com/error"}
	d.post("redirect.guidance_link_v2", "/redirect/v2/guidance-link", link, "success", "error CARD_PHYSICAL_CARD_APPLIED")
	link["action"] = "KYC_GUIDE"
	d.post("redirect.guidance_link_v2", "/redirect/v2/guidance-link", link, "error KYC_KYC_ALREADY_PASSED", "success")
	d.get("card.physical_shipping_info_v2", "/card/v2/physical-shipping-info", decard.Q("externalUserId", user, "cardId", card.id), "success")

	d.post("simulation.fund_auth_v2", "/simulation/v2/fund-auth", spend("1.25"), "success")
	d.post("simulation.fund_auth", "/simulation/v1/fund-auth",
		map[string]any{"externalUserId": user, "cardMantissa": card.mantissa, "authType": "EXPEND", "amount": "66.66", "currency": "USD"}, "success")
	d.post("simulation.fund_auth_v2", "/simulation/v2/fund-auth", spend("0.001"), "error CARD_TRANSACTION_UNREASONABLE_AMOUNT")
	bad := spend("1.00")
	bad["currency"] = "XYZ"
	d.post("simulation.fund_auth_v2", "/simulation/v2/fund-auth", bad, "error CARD_TRANSACTION_UNSUPPORTED_CURRENCY")
	rows := d.get("card.statement_detail_v2", "/card/v2/statements/detail", decard.Q("externalUserId", user, "cardId", card.id, "statementId", "NO_POSTED"), "success")
	if id := digString(rows, "data", 0, "id"); id != "" {
		d.post("card.transaction_id_resolve", "/card/v1/transaction/id/resolve", map[string]any{"ids": []any{id}}, "success")
	}
}

// moneyWrites credits and debits the wallet, withdraws and deposits.
func (d *decardConv) moneyWrites(user string) {
	in, out := "ci"+d.suffix, "co"+d.suffix
	credit := map[string]any{"externalTranId": in, "asset": "USD", "amount": "10", "externalUserId": user, "remark": "contract test"}
	d.post("asset.credit", "/user-asset/v1/credit", credit, "success")
	d.post("asset.credit", "/user-asset/v1/credit", credit, "error CARD_TRANSACTION_REPEAT_REQUEST")
	d.post("asset.credit", "/user-asset/v1/credit", map[string]any{"externalTranId": "cx" + d.suffix, "asset": "DOGE", "amount": "1", "externalUserId": user},
		"error CARD_TRANSACTION_UNSUPPORTED_CURRENCY")
	d.post("asset.debit", "/user-asset/v1/debit", map[string]any{"externalTranId": out, "asset": "USD", "amount": "1", "externalUserId": user}, "success")
	d.post("asset.debit", "/user-asset/v1/debit", map[string]any{"externalTranId": "cy" + d.suffix, "asset": "USD", "amount": "999999999", "externalUserId": user},
		"error CARD_WALLET_BALANCE_LOW")
	d.get("asset.transfer_query", "/user-asset/v1/transfer-query", decard.Q("externalTranIds", in+","+out, "page", "1", "rows", "10"), "success")
	d.get("card.fiat_transactions", "/card/v1/fiat/transactions", decard.Q("externalUserId", user), "success")

	d.post("asset.credit", "/user-asset/v1/credit", map[string]any{"externalTranId": "cu" + d.suffix, "asset": "USDT", "amount": "5", "externalUserId": user}, "success")
	addr := digString(d.get("crypto.deposit_address", "/crypto/v1/deposit-address", decard.Q("externalUserId", user, "network", "TRON", "coin", "USDT"), "success"), "data", "address")
	if addr == "" {
		d.c.skip("crypto.withdraw_apply", "no TRON deposit address to send to")
		return
	}
	withdraw := map[string]any{"externalUserId": user, "smsCode": d.sms, "network": "TRON", "coin": "USDT", "address": addr, "amount": "1", "fee": "1"}
	d.post("crypto.withdraw_apply", "/crypto/v1/withdraw-apply", withdraw, "success")
	withdraw["amount"] = "0.1"
	d.post("crypto.withdraw_apply", "/crypto/v1/withdraw-apply", withdraw, "error CARD_TRANSACTION_UNREASONABLE_AMOUNT")
	withdraw["amount"], withdraw["smsCode"] = "1", "000000"
	if d.sms == "000000" {
		withdraw["smsCode"] = "999999"
	}
	d.post("crypto.withdraw_apply", "/crypto/v1/withdraw-apply", withdraw, "error ACCOUNT_CAPTCHA_CODE_ERROR")
	d.post("simulation.deposit", "/simulation/v1/deposit", map[string]any{"chain": "TRON", "currency": "USDT", "amount": "2.5", "address": addr}, "success")
	d.get("websocket.search", "/websocket/v1/search", decard.Q("version", "1"), "success")
}

// walletWrites provisions the card to Apple Pay and Google Pay, by
// cardMantissa and by cardId.
func (d *decardConv) walletWrites(user string, card decardCard) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	apple := map[string]any{"externalUserId": user, "cardMantissa": card.mantissa, "applePublicCertificates": []string{b64("leaf"), b64("sub-ca")},
		"appleNonce": b64("nonce-" + d.suffix), "appleNonceSignature": b64("signature")}
	d.post("card.apple_bind_wallet", "/card/v1/apple-bind-wallet", apple, "success")
	delete(apple, "cardMantissa")
	apple["cardId"] = card.id
	d.post("card.apple_bind_wallet_v2", "/card/v2/apple-bind-wallet", apple, "success")
	apple["applePublicCertificates"] = []string{}
	d.post("card.apple_bind_wallet_v2", "/card/v2/apple-bind-wallet", apple, "error ACCOUNT_INVALID_PARAMETER")
	google := map[string]any{"externalUserId": user, "cardMantissa": card.mantissa, "clientCustomerId": "ct-" + d.suffix, "deviceId": "ct-device"}
	d.post("card.google_bind_wallet", "/card/v1/google-bind-wallet", google, "success")
	delete(google, "cardMantissa")
	google["cardId"] = card.id
	d.post("card.google_bind_wallet_v2", "/card/v2/google-bind-wallet", google, "success")
	google["cardId"] = "1" + strings.Repeat("0", 18)
	d.post("card.google_bind_wallet_v2", "/card/v2/google-bind-wallet", google, "error CARD_NOT_EXISTED")
}

// The QR codes of DeCard's Postman collection.
const (
	decardQRDecode = "https://payapp.wechatpay.cn/sjt/qr/AQlT4zA06WQ-YqkSq8jL1MGV"
	decardQRCreate = "https://payapp.wechatpay.cn/qrpay/order/home2?key=sandbox_CHNDVI_EGzpUDNZIWMGbC0d6dkPCw--"
)

// qrReads covers the KYC detail and QR pay's reads (decode makes nothing).
func (d *decardConv) qrReads(user string) {
	q := func(kv ...string) []decard.Param { return decard.Q(append([]string{"externalUserId", user}, kv...)...) }
	d.get("kyc.detail", "/kyc/v1/detail", q(), "success")
	d.get("kyc.detail", "/kyc/v1/detail", nil, "error ACCOUNT_INVALID_PARAMETER")
	d.post("qrpay.decode", "/qrpay/v1/decode", map[string]any{"externalUserId": user, "qrCodeValue": decardQRDecode, "clientIP": "127.0.0.1"}, "success")
	d.post("qrpay.decode", "/qrpay/v1/decode", map[string]any{"externalUserId": user, "qrCodeValue": decardQRDecode}, "error ACCOUNT_INVALID_PARAMETER")
	d.get("qrpay.order_list", "/qrpay/v1/order-list", q("limit", "10"), "success")
	d.get("qrpay.order_list", "/qrpay/v1/order-list", q("limit", "0"), "error ACCOUNT_INVALID_PARAMETER")
	d.get("qrpay.order_detail", "/qrpay/v1/order-detail", q("orderId", "1"+strings.Repeat("0", 18)), "error CARD_TRANSACTION_NO_SUCH_TRANSACTION")
}

// qrWrites creates a QR order and pays it from the wallet.
func (d *decardConv) qrWrites(user string) {
	order := d.post("qrpay.create", "/qrpay/v1/create", map[string]any{"externalUserId": user, "qrCodeValue": decardQRCreate, "clientIP": "127.0.0.1",
		"currency": "SGD", "amount": "12"}, "success")
	d.post("qrpay.create", "/qrpay/v1/create", map[string]any{"externalUserId": user, "qrCodeValue": decardQRCreate, "clientIP": "127.0.0.1",
		"currency": "SGD", "amount": "0.001"}, "error CARD_TRANSACTION_UNREASONABLE_AMOUNT")
	id := digString(order, "data", "orderId")
	if id == "" {
		d.c.skip("qrpay.confirm", "no order to confirm")
		return
	}
	confirm := map[string]any{"externalUserId": user, "orderId": id}
	paid := d.post("qrpay.confirm", "/qrpay/v1/confirm", confirm, "success", "error CARD_WALLET_BALANCE_LOW")
	if digString(paid, "code") == "SYS_SUCCESS" {
		d.post("qrpay.confirm", "/qrpay/v1/confirm", confirm, "error CARD_TRANSACTION_REPEAT_REQUEST")
	}
	d.get("qrpay.order_detail", "/qrpay/v1/order-detail", decard.Q("externalUserId", user, "orderId", id), "success")
	d.get("qrpay.order_list", "/qrpay/v1/order-list", decard.Q("externalUserId", user, "cursorOrderId", id, "limit", "5"), "success")
}

// fcReads covers financial connection's lookups: unknown ids anywhere,
// and a user's details and statement when there is one.
func (d *decardConv) fcReads() {
	none := "ct-none-" + d.suffix
	d.get("financial_connection.query_user_info", "/financial-connection/v1/query-user-info", decard.Q("userRef", none), "error ACCOUNT_USER_NOT_EXIST")
	d.get("financial_connection.query_user_info", "/financial-connection/v1/query-user-info", nil, "error ACCOUNT_INVALID_PARAMETER")
	d.get("financial_connection.query_payment_info", "/financial-connection/v1/query-payment-info", decard.Q("externalTranId", none),
		"error CARD_TRANSACTION_NO_SUCH_TRANSACTION")
	d.get("financial_connection.query_transfer_info", "/financial-connection/v1/query-transfer-info", decard.Q("externalTranId", none),
		"error CARD_TRANSACTION_NO_SUCH_TRANSACTION")
	d.get("financial_connection.query_withdrawal_info", "/financial-connection/v1/query-withdrawal-info", decard.Q("externalTranId", none),
		"error CARD_TRANSACTION_NO_SUCH_TRANSACTION")
	if d.fcUser == "" {
		d.c.skip("financial_connection.query_tran_list", "no financial-connection user: pass fc_external_user_id in the credentials")
		return
	}
	info := d.get("financial_connection.query_user_info", "/financial-connection/v1/query-user-info", decard.Q("externalUserId", d.fcUser), "success")
	va := digString(info, "data", "vaInfoList", 0, "vaNumber")
	d.post("financial_connection.query_tran_list", "/financial-connection/v1/query-tran-list",
		map[string]any{"externalUserId": d.fcUser, "vaNumber": va, "pageSize": 10, "cursor": ""}, "success")
	d.post("financial_connection.query_tran_list", "/financial-connection/v1/query-tran-list",
		map[string]any{"externalUserId": d.fcUser, "vaNumber": va, "pageSize": 101}, "error ACCOUNT_INVALID_PARAMETER")
	d.get("financial_connection.virtual_detail", "/financial-connection/v1/virtual-card/detail",
		decard.Q("externalUserId", d.fcUser, "applyRef", none), "error CARD_TRANSACTION_NO_SUCH_TRANSACTION")
}

// fcWrites creates a financial-connection user and applies for their
// card, then moves money out of the funded user's account: a payment, a
// transfer to spending and a withdrawal, each looked up again.
func (d *decardConv) fcWrites() {
	ref := "ct-" + d.suffix
	mobile := fmt.Sprintf("9%07d", core.WallNow().UnixNano()/1000%10_000_000)
	create := map[string]any{"userRef": ref, "mobilePhone": mobile, "mobileAreaCode": "SG", "email": ref + "@example.com"}
	u := d.post("financial_connection.create_user", "/financial-connection/v1/create-user", create, "success")
	d.post("financial_connection.create_user", "/financial-connection/v1/create-user", create, "success")
	create["email"] = "x" + ref + "@example.com"
	d.post("financial_connection.create_user", "/financial-connection/v1/create-user", create, "error ACCOUNT_UNSUPPORTED_OPERATE")
	if id := digString(u, "data", "externalUserId"); id != "" {
		d.get("financial_connection.query_user_info", "/financial-connection/v1/query-user-info", decard.Q("userRef", ref, "externalUserId", id), "success")
		applyRef := "fc-" + d.suffix
		apply := map[string]any{"externalUserId": id, "categoryId": 30102001, "applyRef": applyRef, "kybInfo": map[string]any{"companyName": "mocksrv contract test"}}
		d.post("financial_connection.virtual_apply", "/financial-connection/v1/virtual-card/apply", apply, "success")
		apply["applyRef"], apply["categoryId"] = applyRef+"-cat", 10102000
		d.post("financial_connection.virtual_apply", "/financial-connection/v1/virtual-card/apply", apply, "error CARD_UNSUPPORTED_CARD_TYPE")
		d.get("financial_connection.virtual_detail", "/financial-connection/v1/virtual-card/detail", decard.Q("externalUserId", id, "applyRef", applyRef), "success")
	}
	if d.fcUser == "" {
		d.c.skip("financial_connection.payment", "no financial-connection user with money: pass fc_external_user_id in the credentials")
		return
	}
	money := func(ext, amount string) map[string]any {
		return map[string]any{"externalTranId": ext, "externalUserId": d.fcUser, "amount": amount, "currency": "USD", "remark": "mocksrv contract test"}
	}
	d.post("financial_connection.payment", "/financial-connection/v1/payment", money("cp"+d.suffix, "1"), "success")
	d.post("financial_connection.payment", "/financial-connection/v1/payment", money("cp"+d.suffix, "1"), "error CARD_TRANSACTION_REPEAT_REQUEST")
	d.post("financial_connection.payment", "/financial-connection/v1/payment", money("cq"+d.suffix, "99999"), "error CARD_WALLET_BALANCE_LOW")
	d.get("financial_connection.query_payment_info", "/financial-connection/v1/query-payment-info", decard.Q("externalTranId", "cp"+d.suffix), "success")
	d.post("financial_connection.transfer_to_spending", "/financial-connection/v1/transfer-to-spending", money("ct"+d.suffix, "1"), "success")
	d.get("financial_connection.query_transfer_info", "/financial-connection/v1/query-transfer-info", decard.Q("externalTranId", "ct"+d.suffix), "success")
	wd := money("cw"+d.suffix, "2")
	for k, v := range map[string]any{"payeeName": "MOCKSRV CONTRACT TEST", "payeeAddress": "1 Raffles Place", "payeeBankAccountNo": "0106561073",
		"payeeBankSwiftBic": "SCBLSG22XXX", "payeeBankCountryCode": "SG", "purposeOfPayment": "OTHR"} {
		wd[k] = v
	}
	d.post("financial_connection.withdraw", "/financial-connection/v1/withdraw", wd, "success")
	d.get("financial_connection.query_withdrawal_info", "/financial-connection/v1/query-withdrawal-info", decard.Q("externalTranId", "cw"+d.suffix), "success")
	wd["externalTranId"], wd["payeeBankSwiftBic"] = "cx"+d.suffix, "SCB"
	d.post("financial_connection.withdraw", "/financial-connection/v1/withdraw", wd, "error ACCOUNT_INVALID_PARAMETER")
}
