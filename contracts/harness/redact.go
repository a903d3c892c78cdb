package harness

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Recordings never keep card data, credentials or personal data. These
// header and JSON field names (compared without case, '_' or '-') are
// redacted, and so is everything inside an identity document or a home
// address; any other string that looks like a card number (13–19 digits
// passing Luhn) keeps only its last four digits.
var (
	secretHeaders = keySet("authorization", "access-token", "x-auth-token", "api-key", "x-api-key", "x-dapi-api-key",
		"x-dapi-sign", "x-signature", "signature", "x-wk-signature", "x-client-id", "cookie", "set-cookie", "x-idempotency-key")
	secretFields = keySet("cvv", "cvc", "cvv2", "pin", "oldpin", "newpin", "password", "secret", "apisecret", "apikey",
		"token", "accesstoken", "authtoken", "clientaccesstoken", "sumsubsharetoken", "activationcode", "smscode",
		"verificationcode", "webhooksecret", "extractsecretkey")
	personalFields = keySet("email", "mobile", "phone", "phonenumber", "firstname", "lastname", "name", "cardholder",
		"cardholdername", "cardembossingname", "dateofbirth", "dob", "birthday", "idnumber", "documentnumber", "document",
		"frontfile", "backfile", "handfile", "addressline1", "addressline2", "line1", "line2", "lineen", "address",
		"postalcode", "postcode", "iban", "accountnumber")
	panFields = keySet("pan", "cardnumber", "cardno", "fullcardnumber", "cardnum")
	// expiryFields are a card's expiry, card data alongside the PAN.
	expiryFields = keySet("expiredate", "expirydate", "expirationdate", "expdate", "expmonth", "expyear", "expiry")
	// personalObjects are objects whose every value is personal data: an
	// identity document ({type, number, …}) or a home address.
	personalObjects = keySet("identity", "residentialaddress", "billingaddress", "mailingaddress", "kycverification")
	digitRun        = regexp.MustCompile(`\d{13,19}`)
)

func keySet(keys ...string) map[string]bool {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func normKey(k string) string {
	return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(k))
}

// RedactHeaders returns headers with credentials replaced.
func RedactHeaders(hs []HARHeader) []HARHeader {
	out := make([]HARHeader, len(hs))
	for i, h := range hs {
		out[i] = h
		if secretHeaders[strings.ToLower(h.Name)] {
			out[i].Value = "REDACTED"
		}
	}
	return out
}

// RedactBody returns a JSON body with card data, credentials and personal
// data replaced; a body that is not JSON has its card-number-looking runs
// masked.
func RedactBody(b []byte) []byte {
	if len(bytes.TrimSpace(b)) == 0 {
		return b
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []byte(maskPANs(string(b)))
	}
	out, err := json.Marshal(redactValue("", v))
	if err != nil {
		return []byte(maskPANs(string(b)))
	}
	return out
}

func redactValue(key string, v any) any {
	k := normKey(key)
	switch x := v.(type) {
	case map[string]any:
		for kk, vv := range x {
			if personalObjects[k] {
				x[kk] = redactAll(vv)
				continue
			}
			x[kk] = redactValue(kk, vv)
		}
		return x
	case []any:
		for i, vv := range x {
			x[i] = redactValue(key, vv)
		}
		return x
	case string:
		switch {
		case x == "":
			return x
		case secretFields[k], expiryFields[k]:
			return "REDACTED"
		case panFields[k]:
			return maskAll(x)
		case personalFields[k]:
			return "REDACTED"
		}
		return maskPANs(x)
	case json.Number:
		if secretFields[k] || personalFields[k] || panFields[k] || expiryFields[k] {
			return "REDACTED"
		}
	}
	return v
}

// redactAll replaces every string and number under v.
func redactAll(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			x[k] = redactAll(vv)
		}
		return x
	case []any:
		for i, vv := range x {
			x[i] = redactAll(vv)
		}
		return x
	case string:
		if x == "" {
			return x
		}
		return "REDACTED"
	case json.Number:
		return "REDACTED"
	}
	return v
}

// maskPANs keeps the last four digits of every Luhn-valid 13–19 digit run.
func maskPANs(s string) string {
	return digitRun.ReplaceAllStringFunc(s, func(d string) string {
		if core.LuhnValid(d) {
			return core.Mask(d, 4)
		}
		return d
	})
}

// maskAll masks a card-number field whatever it holds, keeping the last four.
func maskAll(s string) string {
	digits := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if digits <= 4 {
		return s
	}
	return core.Mask(s, 4)
}
