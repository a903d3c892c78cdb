package core

// Outcome steering: where the real provider decides (a KYC refused, an
// authorization declined, a withdrawal rejected), a test picks the outcome
// with a magic value. A magic value is an exact match of a value mocksrv
// reserves and no real person, merchant or generated token carries:
//
//   - an email at the domain mocksrv.test (RFC 2606 reserves the .test
//     top-level domain): "kyc.refuse@mocksrv.test", with any +tag when a
//     field must be unique ("kyc.refuse+7@mocksrv.test");
//   - a text that starts with "mocksrv:" (a label, memo, merchant name,
//     reference or token): "mocksrv:decline", with any ":suffix" when a
//     field must be unique ("mocksrv:fail:order-7");
//   - a phone number of the range +44 7700 900000–900999, which Ofcom
//     reserves for fiction: "+447700900001" (spaces, dashes and the +
//     do not matter);
//   - an amount of 9999.01 to 9999.99, whose cents pick the outcome: no
//     price, fee or transfer in a test ends that way by accident.
//
// Every rule has a name; when one fires, the journal entry of the request
// says so and the answer carries "X-Mocksrv-Outcome: <rule>", so whoever
// trips one sees why at once. The admin API and scenario givens reach
// every outcome without magic values.

import (
	"net/http"
	"strings"
)

// MagicKind says how a reserved value is matched.
type MagicKind uint8

// The kinds of magic value.
const (
	MagicEmail  MagicKind = iota // local part (before any +tag) and domain mocksrv.test, case-insensitive
	MagicText                    // exactly the value, or the value followed by ":" and anything
	MagicPhone                   // the same digits, ignoring spaces, dashes, dots, parentheses and +
	MagicAmount                  // the same decimal value
)

// MagicDomain is the email domain of magic emails.
const MagicDomain = "mocksrv.test"

// MagicPrefix starts every magic text.
const MagicPrefix = "mocksrv:"

// OutcomeHeader names the rules that fired for a request.
const OutcomeHeader = "X-Mocksrv-Outcome"

// Magic is one reserved value and the outcome it steers.
type Magic struct {
	Rule    string    // a stable name: "kyc.refuse"; what the journal and OutcomeHeader say
	Field   string    // where the provider reads it, in its own terms: "email", "label"
	Kind    MagicKind //
	Value   string    // the reserved value as documented: "kyc.refuse@mocksrv.test"
	Outcome string    // what happens, in words
}

// Matches reports whether v is this magic value.
func (m Magic) Matches(v string) bool {
	switch m.Kind {
	case MagicEmail:
		return magicEmailKey(v) != "" && magicEmailKey(v) == magicEmailKey(m.Value)
	case MagicText:
		return v == m.Value || strings.HasPrefix(v, m.Value+":")
	case MagicPhone:
		return digitsOf(v) != "" && digitsOf(v) == digitsOf(m.Value)
	case MagicAmount:
		a, errA := ParseDecimal(strings.TrimSpace(v))
		b, errB := ParseDecimal(m.Value)
		return errA == nil && errB == nil && a.Cmp(b) == 0
	}
	return false
}

// magicEmailKey returns an email at MagicDomain without its +tag, lower
// case, or "" for any other email.
func magicEmailKey(v string) string {
	local, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(v)), "@")
	if !ok || domain != MagicDomain {
		return ""
	}
	local, _, _ = strings.Cut(local, "+")
	return local + "@" + domain
}

func digitsOf(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" -.()+", r):
		default:
			return "" // not a phone number
		}
	}
	return b.String()
}

// Magics is a provider's table of magic values.
type Magics []Magic

// Find returns the first rule for field that v matches.
func (ms Magics) Find(field, v string) (Magic, bool) {
	if v == "" {
		return Magic{}, false
	}
	for _, m := range ms {
		if m.Field == field && m.Matches(v) {
			return m, true
		}
	}
	return Magic{}, false
}

// Rule returns the rule named name; it panics for a name the table does
// not have, which is a bug in the provider.
func (ms Magics) Rule(name string) Magic {
	for _, m := range ms {
		if m.Rule == name {
			return m
		}
	}
	panic("core: no magic rule " + name)
}

// Announce records that m fired while r was answered: the journal entry
// names the rule, and the answer carries it in OutcomeHeader. Outside a
// request (an admin given, a direct helper) it does nothing.
func Announce(r *http.Request, m Magic) {
	if r == nil {
		return
	}
	c := CallOf(r)
	for _, o := range c.Outcomes {
		if o == m.Rule {
			return
		}
	}
	c.Outcomes = append(c.Outcomes, m.Rule)
}
