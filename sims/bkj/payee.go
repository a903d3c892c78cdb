package bkj

// On-chain payees — bkj "链上收款人" (list, detail, create, update,
// delete).

import (
	"time"
)

// Payee is a saved withdrawal destination.
type Payee struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	Chain     string    `json:"chain"`
	Currency  string    `json:"currency"`
	Address   string    `json:"address"`
	Memo      string    `json:"memo"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (w *world) payeeLocked(id string) (Payee, error) {
	p, ok := w.payees.Get(id)
	if !ok {
		return p, notFound("payee", id)
	}
	return p, nil
}

// checkDestination validates a chain, currency and address together.
func checkDestination(chain, currency, address string) (Chain, error) {
	c, ok := findChain(chain)
	if !ok {
		return c, invalid(text{"chain %q is not supported (chains: TRON, ETH, BSC, SOLANA)", "不支持链 %q（支持 TRON、ETH、BSC、SOLANA）"}, chain)
	}
	if currency != "" && !c.carries(currency) {
		return c, invalid(text{"%s does not carry %s", "%s 链不支持 %s"}, c.Chain, currency)
	}
	if !c.address.MatchString(address) {
		return c, invalid(text{"address %q is not a %s address (%s)", "address %q 不是有效的 %s 地址（%s）"}, address, c.Chain, c.addressHint)
	}
	return c, nil
}

// addPayeeLocked stores a payee for an existing user.
func (w *world) addPayeeLocked(p Payee) (Payee, error) {
	if _, err := w.userLocked(p.AccountID); err != nil {
		return p, err
	}
	if _, err := checkDestination(p.Chain, p.Currency, p.Address); err != nil {
		return p, err
	}
	now := w.Now()
	if p.ID == "" {
		p.ID = w.Faker.UUID()
	}
	if w.payees.Has(p.ID) {
		return p, fail(codeConflict, text{"payee %s already exists", "收款人 %s 已存在"}, p.ID)
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	p.UpdatedAt = now
	w.payees.Put(p.ID, p)
	return p, nil
}
