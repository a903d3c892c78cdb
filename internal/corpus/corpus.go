// Package corpus is a deterministic set of realistic, ordinary inputs —
// names and emails of many cultures, company domains, card labels, memos,
// merchant names, amounts with every cent value, phone numbers, references
// and random tokens — that must never trip a provider's outcome steering.
// Tests run every magic table and every provider against it.
package corpus

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Kind groups inputs by the field they are realistic for.
type Kind string

// The kinds of input.
const (
	Names      Kind = "name"
	Emails     Kind = "email"
	Labels     Kind = "label" // card labels, memos, merchant names, descriptions
	Amounts    Kind = "amount"
	Phones     Kind = "phone"
	References Kind = "reference" // order numbers, unique nos, applyRefs
	Tokens     Kind = "token"     // random base64url and hex tokens
)

// Input is one ordinary value.
type Input struct {
	Kind  Kind
	Value string
}

var (
	firstNames = []string{
		"Holden", "Irene", "Shareholder", "Eddie", "Priya", "Seán", "Zoë", "Björn", "José", "François",
		"Mohammed", "Aisha", "Wei", "张伟", "李娜", "Yuki", "Sakura", "Min-jun", "Ji-woo", "Nguyễn",
		"Olumide", "Chidi", "Amara", "Santiago", "Valentina", "Dmitri", "Анна", "Αλέξανδρος", "Fatima", "Omar",
		"Hana", "Ravi", "Deepika", "Lakshmi", "Siddharth", "Kwame", "Abena", "Mateus", "Leilani", "Keanu",
		"Reject", "Hold", "Holly", "Fail", "Faith", "Declan", "Edd", "Eddison", "Kyc", "Magic",
	}
	lastNames = []string{
		"Caulfield", "Adler", "Relations", "Smith", "Reddy", "O'Brien", "Saldaña", "Müller", "Østergaard", "Nakamura",
		"Kim", "Park", "Tanaka", "Wang", "Li", "Zhang", "Okafor", "Mensah", "García", "Fernández",
		"Ivanova", "Papadopoulos", "Al-Farsi", "Haddad", "Singh", "Patel", "Iyer", "Mukherjee", "Nowak", "Kowalski",
		"Holder", "Holden", "Withholding", "Failla", "Rejeski", "Declined", "Pendleton", "Edwards", "Eddington", "Housholder",
	}
	domains = []string{
		"gmail.com", "outlook.com", "yahoo.co.jp", "qq.com", "163.com", "naver.com", "web.de", "orange.fr",
		"acmeholdings.com", "corp.com", "company.com", "example.org", "household.co.uk", "failover.io",
		"reject-spam.net", "holdco.sg", "kyc-partners.com", "edd.example", "mocksrv.dev", "test.com",
	}
	localParts = []string{
		"holden.caulfield", "ir", "shareholder.relations", "p.reddy", "eddie.smith", "accounts",
		"finance+cards", "no-reply", "ops.team", "jane.doe", "j.o'brien", "treasury", "billing", "kyc", "hold.music",
		"reject.notices", "fail2ban", "pending.orders", "admin", "decline.reports",
	}
	labelWords = []string{
		"Failover card", "household bills", "tax withholding", "Marketing", "Travel", "Team lunch", "AWS", "Google Ads",
		"Office supplies", "Rejected invoices", "On hold", "Decline test", "Pending approvals", "Groceries", "Rent",
		"Salary advance", "Shareholder dividends", "Kyc review fees", "EDD documents", "Fuel", "Netflix", "Uber Eats",
		"Coffee", "Declan's card", "Holdings transfer", "Holiday", "Threshold alerts", "Fail-safe", "Refund",
		"Chargeback dispute", "Subscription", "Hotel", "Airline", "Parking", "Mocksrv testing", "moksrv:typo",
	}
	amountsWhole = []int{0, 1, 2, 5, 9, 10, 12, 19, 20, 25, 49, 50, 66, 99, 100, 199, 250, 499, 500, 999, 1000, 2500, 5000, 9998}
)

// All returns the corpus: the same inputs, in the same order, every call.
func All() []Input {
	rng := rand.New(rand.NewPCG(42, 7))
	var out []Input
	add := func(k Kind, v string) { out = append(out, Input{k, v}) }
	for _, f := range firstNames {
		for _, l := range lastNames[:10] {
			add(Names, f+" "+l)
		}
		add(Names, f)
	}
	for _, l := range lastNames {
		add(Names, l)
	}
	for _, lp := range localParts {
		for _, d := range domains {
			add(Emails, lp+"@"+d)
		}
	}
	for i, f := range firstNames {
		add(Emails, strings.ToLower(asciiOnly(f))+"."+strings.ToLower(asciiOnly(lastNames[i%len(lastNames)]))+"@"+domains[i%len(domains)])
	}
	for _, w := range labelWords {
		add(Labels, w)
		add(Labels, strings.ToUpper(w))
		add(Labels, w+" #"+fmt.Sprint(rng.IntN(1000)))
	}
	for _, whole := range amountsWhole {
		for cents := 0; cents < 100; cents++ {
			add(Amounts, fmt.Sprintf("%d.%02d", whole, cents))
		}
	}
	for _, cc := range []string{"+65", "+86", "+1", "+44", "+852", "+91", "+81", "+49"} {
		for i := 0; i < 12; i++ {
			n := fmt.Sprintf("%s%08d", cc, rng.IntN(1e8))
			if i%4 == 0 {
				n = cc + "8888" + "0000" // numbers ending 0000 are real numbers too
			}
			add(Phones, n)
		}
	}
	for i := 0; i < 120; i++ {
		switch i % 4 {
		case 0:
			add(References, fmt.Sprintf("order-%d", rng.IntN(1e6)))
		case 1:
			add(References, fmt.Sprintf("Failover-%d", 2000+i))
		case 2:
			add(References, fmt.Sprintf("fail-%d", i))
		default:
			add(References, fmt.Sprintf("REF%012d", rng.Int64N(1e12)))
		}
	}
	for i := 0; i < 400; i++ {
		b := make([]byte, 16+rng.IntN(48))
		for j := range b {
			b[j] = byte(rng.UintN(256))
		}
		if i%2 == 0 {
			add(Tokens, base64.RawURLEncoding.EncodeToString(b))
		} else {
			add(Tokens, fmt.Sprintf("%x", b))
		}
	}
	return out
}

// Of returns the inputs of one kind.
func Of(k Kind) []string {
	var out []string
	for _, in := range All() {
		if in.Kind == k {
			out = append(out, in.Value)
		}
	}
	return out
}

func asciiOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && r != '\'' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "user"
	}
	return b.String()
}
