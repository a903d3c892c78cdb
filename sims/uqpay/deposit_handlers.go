package uqpay

// Simulated deposit endpoint — UQPay v1.6 "Simulate Deposit Creation"
// (POST /v1/simulation/deposit; the SDKs' simulator.Deposits.Create and
// simulator.deposits.simulate).

import (
	"net/http"
	"regexp"
	"strings"
)

type simDepositRequest struct {
	Amount                amount `json:"amount"`
	Currency              string `json:"currency"`
	SenderSwiftCode       string `json:"sender_swift_code"`
	ReceiverAccountNumber string `json:"receiver_account_number"`
	SenderAccountNumber   string `json:"sender_account_number"`
	SenderCountry         string `json:"sender_country"`
	SenderName            string `json:"sender_name"`
}

type depositSenderJSON struct {
	SenderName          string `json:"sender_name"`
	SenderCountry       string `json:"sender_country"`
	SenderAccountNumber string `json:"sender_account_number"`
	SenderSwiftCode     string `json:"sender_swift_code"`
}

// depositJSON is Simulate Deposit Creation's answer, in the docs' key
// order. complete_time is "" until the deposit completes, as card orders
// render it.
type depositJSON struct {
	DepositID             string            `json:"deposit_id"`
	ShortReferenceID      string            `json:"short_reference_id"`
	Amount                string            `json:"amount"`
	Currency              string            `json:"currency"`
	DepositStatus         string            `json:"deposit_status"`
	CompleteTime          string            `json:"complete_time"`
	ReceiverAccountNumber string            `json:"receiver_account_number"`
	Sender                depositSenderJSON `json:"sender"`
	CreateTime            string            `json:"create_time"`
}

func (w *world) depositJSON(d Deposit) depositJSON {
	return depositJSON{
		DepositID: d.ID, ShortReferenceID: d.ShortID, Amount: amountText(d.Amount), Currency: d.Currency,
		DepositStatus: d.Status, CompleteTime: w.fmtTime(d.CompletedAt), ReceiverAccountNumber: d.ReceiverAccount,
		Sender: depositSenderJSON{SenderName: d.SenderName, SenderCountry: d.SenderCountry,
			SenderAccountNumber: d.SenderAccount, SenderSwiftCode: d.SenderSwift},
		CreateTime: w.fmtTime(d.CreatedAt),
	}
}

var (
	swiftPattern   = regexp.MustCompile(`^[A-Za-z]{6}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?$`)
	accountPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,60}$`)
)

// validate checks a simulated deposit and returns the deposit it asks for.
// Amounts take at most two decimals; the currency must be one mocksrv
// keeps balances in.
func (req simDepositRequest) validate() (Deposit, error) {
	var d Deposit
	if !req.Amount.set {
		return d, invalid("amount is required")
	}
	amt, err := req.Amount.parse("amount", 2, true)
	if err != nil {
		return d, err
	}
	switch {
	case req.Currency == "":
		return d, invalid("currency is required")
	case !knownCurrency(req.Currency):
		return d, invalid("currency %q cannot be deposited: mocksrv keeps %s balances", req.Currency, strings.Join(currencies, " and "))
	case req.SenderSwiftCode == "":
		return d, invalid("sender_swift_code is required")
	case !swiftPattern.MatchString(req.SenderSwiftCode):
		return d, invalid("sender_swift_code %q must be a SWIFT/BIC code of 8 or 11 letters and digits, like WELGBE22", clip(req.SenderSwiftCode))
	case req.ReceiverAccountNumber != "" && !accountPattern.MatchString(req.ReceiverAccountNumber):
		return d, invalid("receiver_account_number %q must be 1 to 60 letters and digits", clip(req.ReceiverAccountNumber))
	case len(req.SenderAccountNumber) > 60:
		return d, invalid("sender_account_number must be at most 60 characters, got %d", len(req.SenderAccountNumber))
	case len(req.SenderName) > 200:
		return d, invalid("sender_name must be at most 200 characters, got %d", len(req.SenderName))
	}
	if err := validCountry("sender_country", req.SenderCountry, false); err != nil {
		return d, err
	}
	return Deposit{Currency: req.Currency, Amount: amt, ReceiverAccount: req.ReceiverAccountNumber,
		SenderName: req.SenderName, SenderCountry: req.SenderCountry, SenderAccount: req.SenderAccountNumber,
		SenderSwift: req.SenderSwiftCode}, nil
}

// handleSimulationDeposit handles "POST /api/v1/simulation/deposit"
// (sandbox only): a deposit into the account x-on-behalf-of names (the
// master by default). It answers PENDING with deposit.pending; after the
// deposit delay it is COMPLETED, credited to the issuing balance, with
// deposit.completed (or, under review, whatever the admin API decides).
func (s *Server) handleSimulationDeposit(r *http.Request) (any, error) {
	var req simDepositRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	d, err := req.validate()
	if err != nil {
		return nil, err
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	return w.depositJSON(w.createDepositLocked(a, d)), nil
}
