package decard

// Statement endpoints — shared/seeds/decard-card-api.md §3 statements, §4
// statements/detail, §5 fiat/transactions (v2 select the card by cardId).

import (
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// statementJSON is one statement of /card/v1/statements, keys in the
// published order.
type statementJSON struct {
	Type                      string  `json:"type"`
	StatementDateStart        string  `json:"statementDateStart"`
	StatementDateEnd          string  `json:"statementDateEnd"`
	PaymentAmountInSgd        string  `json:"paymentAmountInSgd"`
	PaymentAmountInUsd        string  `json:"paymentAmountInUsd"`
	NonPostedAmountInSgd      *string `json:"nonPostedAmountInSgd"` // null on POSTED
	NonPostedAmountInUsd      *string `json:"nonPostedAmountInUsd"`
	StatementID               string  `json:"statementId"`
	CardScheme                string  `json:"cardScheme"`
	CardOrganizationLogo      string  `json:"cardOrganizationLogo"`
	DebitAmountExcludePayment *string `json:"debitAmountExcludePayment"` // null on NOT_POSTED
}

// schemeLogos are the card-organisation logos of the published examples.
var schemeLogos = map[string]string{
	"MASTERCARD": "https://static.thedecard.com/images/card/schemes/master.webp",
	"VISA":       "https://static.thedecard.com/images/card/schemes/visa.webp",
	"UNION_PAY":  "https://static.thedecard.com/images/card/schemes/unionpay.webp",
}

func strPtr(s string) *string { return &s }

// cardSelectorOf reads the card of a GET: cardMantissa (v1) or cardId (v2,
// required).
func cardSelectorOf(r *http.Request, user string, v2 bool) (cardSelector, error) {
	q := r.URL.Query()
	if v2 {
		if q.Get("cardId") == "" {
			return cardSelector{}, invalid("cardId is required")
		}
		return cardSelector{user: user, id: q.Get("cardId")}, nil
	}
	return cardSelector{user: user, mantissa: q.Get("cardMantissa")}, nil
}

// handleStatements handles "GET /card/v1/statements".
func (s *Server) handleStatements(r *http.Request) (any, error) { return s.statements(r, false) }

// handleStatementsV2 handles "GET /card/v2/statements".
func (s *Server) handleStatementsV2(r *http.Request) (any, error) { return s.statements(r, true) }

// queryWindow reads the startTime and endTime of a GET (parseTime's
// forms; either may be left out).
//
// DeCard publishes no time window for statements, statements/detail and
// fiat/transactions; mocksrv takes the one its transaction lists publish
// (doc.go, Deviations) rather than ignore it.
func queryWindow(r *http.Request) (from, to time.Time, err error) {
	q := r.URL.Query()
	if from, err = parseTime("startTime", q.Get("startTime"), false); err != nil {
		return from, to, err
	}
	to, err = parseTime("endTime", q.Get("endTime"), true)
	return from, to, err
}

// overlaps says whether [start, end] meets the window [from, to] (a zero
// bound is open).
func overlaps(start, end, from, to time.Time) bool {
	return (from.IsZero() || !end.Before(from)) && (to.IsZero() || !start.After(to))
}

// statements lists a card's statements: the open cycle (NOT_POSTED, id
// NO_POSTED) first, then the POSTED ones, newest first; with startTime or
// endTime, only those whose period (statementDateStart to the end of
// statementDateEnd's day) meets the window.
func (s *Server) statements(r *http.Request, v2 bool) (any, error) {
	win, err := pageStatements.fromQuery(r)
	if err != nil {
		return nil, err
	}
	from, to, err := queryWindow(r)
	if err != nil {
		return nil, err
	}
	return s.withUser(r, func(w *world, u User) (any, error) {
		sel, err := cardSelectorOf(r, u.ID, v2)
		if err != nil {
			return nil, err
		}
		c, err := w.cardLocked(sel)
		if err != nil {
			return nil, err
		}
		scheme := c.category().Scheme
		all := []statementJSON{}
		start := w.cycleStart(w.Now())
		if overlaps(start, w.cycleEnd(start).Add(-time.Nanosecond), from, to) {
			t := w.cycleTotalsLocked(c.ID, start)
			all = append(all, statementJSON{
				Type: statementOpenType, StatementDateStart: ms(start), StatementDateEnd: ms(w.statementDate(start)),
				PaymentAmountInSgd: money(t.postedSGD), PaymentAmountInUsd: money(t.postedUSD),
				NonPostedAmountInSgd: strPtr(money(t.openSGD)), NonPostedAmountInUsd: strPtr(money(t.openUSD)),
				StatementID: statementOpenID, CardScheme: scheme, CardOrganizationLogo: schemeLogos[scheme],
			})
		}
		posted := bucket(w.statements, "card", c.ID)
		for i := len(posted) - 1; i >= 0; i-- {
			st := posted[i]
			if !overlaps(st.Start, w.cycleEnd(st.Start).Add(-time.Nanosecond), from, to) {
				continue
			}
			all = append(all, statementJSON{
				Type: statementPosted, StatementDateStart: ms(st.Start), StatementDateEnd: ms(st.End),
				PaymentAmountInSgd: money(st.PaymentSGD), PaymentAmountInUsd: money(st.PaymentUSD),
				StatementID: st.ID, CardScheme: scheme, CardOrganizationLogo: schemeLogos[scheme],
				DebitAmountExcludePayment: strPtr(money(st.DebitSGD)),
			})
		}
		if win.Offset >= len(all) {
			return []statementJSON{}, nil
		}
		return all[win.Offset:min(len(all), win.Offset+win.Limit)], nil
	})
}

// statementRowJSON is one row of /card/v1/statements/detail, keys in the
// published order.
type statementRowJSON struct {
	MerchantName           string         `json:"merchantName"`
	CardOrganizationLogo   string         `json:"cardOrganizationLogo"`
	PostIndicator          int            `json:"postIndicator"` // 0 not posted, 1 posted
	TransactionDateTime    string         `json:"transactionDateTime"`
	PostingAmountInSgd     string         `json:"postingAmountInSgd"`
	PostingAmountInUsd     string         `json:"postingAmountInUsd"`
	DebitCreditIndcator    string         `json:"debitCreditIndcator"` // Quirk: "Indcator" (sic), as published.
	TransactionDescription *string        `json:"transactionDescription"`
	CardNumber             string         `json:"cardNumber"`
	PostingDate            *string        `json:"postingDate"` // null until posted
	TransactionAmount      string         `json:"transactionAmount"`
	TransactionCurrency    string         `json:"transactionCurrency"`
	ExternalTranID         string         `json:"externalTranId"`
	CardOrganization       string         `json:"cardOrganization"`
	PostedTransactionID    string         `json:"postedTransactionId"`
	CardScheme             string         `json:"cardScheme"`
	SystemTraceAuditNumber string         `json:"systemTraceAuditNumber"`
	TransactionDateTimeStr string         `json:"transactionDateTimeStr"`
	AssetMovements         []movementJSON `json:"assetMovements"`
}

type movementJSON struct {
	Asset        string `json:"asset"`
	Amount       string `json:"amount"`
	MovementTime string `json:"movementTime"`
	MovementType string `json:"movementType"`
}

func statementRow(c Card, x CardTxn) statementRowJSON {
	scheme := c.category().Scheme
	row := statementRowJSON{
		MerchantName: x.Merchant, CardOrganizationLogo: schemeLogos[scheme], TransactionDateTime: ms(x.At),
		PostingAmountInSgd: money(x.SGD), PostingAmountInUsd: money(x.USD), DebitCreditIndcator: x.DC,
		CardNumber: c.spacedNo(), TransactionAmount: x.Amount.String(), TransactionCurrency: x.Currency,
		ExternalTranID: x.ExternalTranID, CardOrganization: scheme, PostedTransactionID: x.PostedID, CardScheme: scheme,
		SystemTraceAuditNumber: x.STAN, TransactionDateTimeStr: x.At.UTC().Format("2006-01-02 15:04:05"),
		AssetMovements: make([]movementJSON, 0, len(x.Movements)),
	}
	if x.Posted {
		row.PostIndicator, row.PostingDate = 1, strPtr(ms(x.PostedAt))
	}
	if d, ok := kindDescription[x.Kind]; ok {
		row.TransactionDescription = strPtr(d)
	}
	for _, m := range x.Movements {
		row.AssetMovements = append(row.AssetMovements, movementJSON{m.Asset, m.Amount.String(), ms(m.At), m.Type})
	}
	return row
}

// handleStatementDetail handles "GET /card/v1/statements/detail".
func (s *Server) handleStatementDetail(r *http.Request) (any, error) {
	return s.statementDetail(r, false)
}

// handleStatementDetailV2 handles "GET /card/v2/statements/detail".
func (s *Server) handleStatementDetailV2(r *http.Request) (any, error) {
	return s.statementDetail(r, true)
}

// statementDetail lists a statement's rows, newest first: statementId
// NO_POSTED for the open cycle; with startTime or endTime, only the rows
// whose transactionDateTime is in the window.
func (s *Server) statementDetail(r *http.Request, v2 bool) (any, error) {
	win, err := pageStatements.fromQuery(r)
	if err != nil {
		return nil, err
	}
	from, to, err := queryWindow(r)
	if err != nil {
		return nil, err
	}
	id := r.URL.Query().Get("statementId")
	if id == "" {
		return nil, invalid("statementId is required (NO_POSTED for the open cycle)")
	}
	return s.withUser(r, func(w *world, u User) (any, error) {
		sel, err := cardSelectorOf(r, u.ID, v2)
		if err != nil {
			return nil, err
		}
		c, err := w.cardLocked(sel)
		if err != nil {
			return nil, err
		}
		start := w.cycleStart(w.Now())
		if id != statementOpenID {
			st, ok := w.statementByIDLocked(c.ID, id)
			if !ok {
				return nil, fail("CARD_TRANSACTION_NO_SUCH_TRANSACTION", text{"card %s has no statement %s", "卡片 %s 没有账单 %s"}, c.Mantissa(), id)
			}
			start = st.Start
		}
		rows := w.txns.Query(core.Query[CardTxn]{Index: "cycle", Value: cycleKey(c.ID, start), From: from, To: to, Desc: true, Window: win}).Items
		out := make([]statementRowJSON, 0, len(rows))
		for _, x := range rows {
			out = append(out, statementRow(c, x))
		}
		return out, nil
	})
}

// fiatJSON is one row of /card/v1/fiat/transactions.
type fiatJSON struct {
	DebitCreditIndcator string       `json:"debitCreditIndcator"` // Quirk: "Indcator" (sic), as published.
	PostingTransType    string       `json:"postingTransType"`
	TransactionAmount   string       `json:"transactionAmount"`
	TransactionCurrency string       `json:"transactionCurrency"` // Quirk: ISO 4217 numeric here ("702"), alpha elsewhere.
	MerchantName        string       `json:"merchantName"`
	TransactionDateTime string       `json:"transactionDateTime"`
	PostedTransactionID string       `json:"postedTransactionId"`
	TransferDetails     transferJSON `json:"transferDetails"`
}

type transferJSON struct {
	ChannelCode string `json:"channelCode"`
	TxnAmt      string `json:"txnAmt"`
	TxnCcy      string `json:"txnCcy"`
	Sender      string `json:"sender"`
	Receiving   string `json:"receiving"`
	TimeStamp   string `json:"timeStamp"`
	TxHash      string `json:"txHash"`
	Network     string `json:"network"`
	Asset       string `json:"asset"`
}

// handleFiatTransactions handles "GET /card/v1/fiat/transactions": the
// user's fiat ledger — fund-pool credits and debits of SGD and USD,
// transfers to spending, and credited on-chain deposits (their USD value)
// — newest first, within startTime and endTime when given.
func (s *Server) handleFiatTransactions(r *http.Request) (any, error) {
	win, err := pageFiat.fromQuery(r)
	if err != nil {
		return nil, err
	}
	from, to, err := queryWindow(r)
	if err != nil {
		return nil, err
	}
	return s.withUser(r, func(w *world, u User) (any, error) {
		res := w.fiat.Query(core.Query[FiatTxn]{Index: "user", Value: u.ID, From: from, To: to, Desc: true, Window: win})
		out := make([]fiatJSON, 0, len(res.Items))
		for _, x := range res.Items {
			txnAmt, txnCcy := x.Amount, x.Currency
			if x.TxnCurrency != "" {
				txnAmt, txnCcy = x.TxnAmount, x.TxnCurrency
			}
			out = append(out, fiatJSON{
				DebitCreditIndcator: x.DC, PostingTransType: x.TransType, TransactionAmount: x.Amount.StringFixed(2),
				TransactionCurrency: currencyNumeric[x.Currency], MerchantName: x.Merchant, TransactionDateTime: ms(x.At),
				PostedTransactionID: x.ID,
				TransferDetails: transferJSON{ChannelCode: x.Channel, TxnAmt: txnAmt.String(), TxnCcy: txnCcy,
					Sender: x.Sender, Receiving: x.Receiving, TimeStamp: ms(x.At), TxHash: x.TxHash, Network: x.Network, Asset: x.Asset},
			})
		}
		return out, nil
	})
}
