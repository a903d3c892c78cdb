package keysecure

// Consumption model — KeySecure Open API "Consumption" section, constants
// 8.1, 8.4, 8.5, and the Auth / Consumption callbacks.

import (
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// ConsumeType is a consumption's type, verbatim (constants 8.4).
type ConsumeType string

// Consumption types.
const (
	ConsumeOpenCard    ConsumeType = "Open_card"
	ConsumeConsumption ConsumeType = "Consumption"
	ConsumeATM         ConsumeType = "Atm"
	ConsumeManageFee   ConsumeType = "Manage_fee"
	ConsumeReversal    ConsumeType = "Reversal"
	ConsumeRefund      ConsumeType = "Refund"
)

// Status is the common status of transfers and consumptions (8.1).
type Status string

// Common statuses.
const (
	Pending Status = "Pending"
	Success Status = "Success"
	Failed  Status = "Fail"
)

// Fee is one fee charged on a consumption.
type Fee struct {
	Type   string       `json:"fee_type"`
	Amount core.Decimal `json:"amount"`
}

// Merchant is where a consumption happened.
type Merchant struct {
	Name    string `json:"merchant_name"`
	MCC     string `json:"merchant_mcc"`
	City    string `json:"city"`
	Country string `json:"country"`
}

// Consumption is a card transaction: a purchase, an ATM withdrawal, a
// refund or reversal, or a fee.
type Consumption struct {
	ID            string       `json:"consume_no"`
	RelateNo      string       `json:"consume_relate_no"`
	CardNo        string       `json:"card_no"`
	CardholderNo  string       `json:"cardholder_no"`
	Type          ConsumeType  `json:"type"`
	Amount        core.Decimal `json:"amount"`
	LocalAmount   core.Decimal `json:"local_amount"`
	LocalCurrency string       `json:"local_currency"`
	Fees          []Fee        `json:"fees"`
	Merchant      Merchant     `json:"merchant_info"`
	Status        Status       `json:"status"`
	Outcome       string       `json:"outcome,omitempty"` // a steered outcome: consume.decline (magic.go)
	Remark        string       `json:"remark"`
	CreatedAt     time.Time    `json:"created_at"`
}

// Fee returns the sum of the consumption's fees.
func (c Consumption) Fee() core.Decimal {
	sum := core.Zero
	for _, f := range c.Fees {
		sum = sum.Add(f.Amount)
	}
	return sum
}

// consumeLocked records a consumption on a card and moves money: a debit
// (Consumption, Atm) takes amount plus fees from the cardholder's balance
// and pays the merchant; a credit (Refund, Reversal) returns an earlier
// debit's amount. Declines are recorded too, with status Fail and a remark.
func (w *world) consumeLocked(c Consumption, pkgFees FeeDetail) (Consumption, error) {
	card, err := w.cardLocked(c.CardNo)
	if err != nil {
		return c, err
	}
	holder, _ := w.cardholders.Get(card.CardholderNo)
	now := w.Now()
	c.ID, c.CardholderNo, c.CreatedAt = w.nextNoLocked("E"), card.CardholderNo, now
	if c.LocalCurrency == "" {
		c.LocalCurrency = "USD"
	}
	if c.LocalAmount.IsZero() {
		c.LocalAmount = c.Amount
	}
	credit := c.Type == ConsumeRefund || c.Type == ConsumeReversal
	if credit {
		orig, ok := w.consumes.Get(c.RelateNo)
		switch {
		case c.RelateNo == "" || !ok:
			return c, fail(4011, text{"consume_relate_no %q: a %s needs the consumption it returns", "consume_relate_no %q：%s 需要关联原消费"}, c.RelateNo, c.Type)
		case orig.CardNo != c.CardNo || orig.Status != Success || orig.Type == ConsumeRefund || orig.Type == ConsumeReversal:
			return c, invalid(text{"consume_relate_no %s is not a successful debit of card %s", "consume_relate_no %s 不是卡片 %s 的成功消费"}, c.RelateNo, c.CardNo)
		case w.returnedLocked(orig.ID).Add(c.Amount).Cmp(orig.Amount) > 0:
			return c, invalid(text{"amount %s exceeds what is left to return on %s", "amount %s 超过 %s 可退金额"}, c.Amount, orig.ID)
		}
	} else {
		c.Fees = consumeFees(c, pkgFees)
	}
	total := c.Amount.Add(c.Fee())
	switch {
	case !credit && card.Status != StatusActivated:
		c.Status, c.Remark, c.Fees = Failed, "Card is "+string(card.Status), nil
	case !credit && c.Outcome == ruleConsumeDecline:
		c.Status, c.Remark, c.Fees = Failed, "Declined by issuer (sandbox rule "+ruleConsumeDecline+")", nil
	case !credit && holder.Balance.LessThan(total):
		c.Status, c.Remark, c.Fees = Failed, "Insufficient balance", nil
	case credit:
		c.Status = Success
		holder.Balance = holder.Balance.Add(c.Amount)
		w.settled = w.settled.Sub(c.Amount)
	default:
		c.Status = Success
		holder.Balance = holder.Balance.Sub(total)
		w.settled = w.settled.Add(c.Amount)
		w.fees = w.fees.Add(c.Fee())
	}
	if c.Status == Success {
		holder.UpdatedAt = now
		w.cardholders.Put(holder.ID, holder)
	}
	w.consumes.Put(c.ID, c)
	if !credit && (w.set.Mode == ModeAuthorization || w.set.Mode == ModeBoth) && card.BinNo != "" {
		w.emitLocked(actionAuth, authData(c))
	}
	w.emitLocked(actionConsumption, consumptionData(c))
	return c, nil
}

// returnedLocked sums the successful refunds and reversals of a debit.
func (w *world) returnedLocked(no string) core.Decimal {
	sum := core.Zero
	w.consumes.Each(func(c Consumption) bool {
		if c.RelateNo == no && c.Status == Success {
			sum = sum.Add(c.Amount)
		}
		return true
	})
	return sum
}

// consumeFees applies a package's fee schedule: a percentage of the amount
// (rates are percent strings), rounded to cents.
func consumeFees(c Consumption, f FeeDetail) []Fee {
	rate, typ := f.ConsumeRate, "Consume_fee"
	if c.Type == ConsumeATM {
		rate, typ = f.ATMRate, "Atm_fee"
	}
	r, err := core.ParseDecimal(rate)
	if err != nil || r.Sign() <= 0 {
		return nil
	}
	fee := c.Amount.Mul(r).MulRat(1, 100).Round(2)
	if fee.IsZero() {
		return nil
	}
	return []Fee{{Type: typ, Amount: fee}}
}
