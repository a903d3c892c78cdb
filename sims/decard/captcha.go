package decard

// SMS verification codes — DeCard "captcha" section and Guides card/block
// (unfreeze needs a CARD_UNFROZEN code).

import "time"

// Behavioral is what an SMS code is for.
type Behavioral string

// The published behaviorals.
const (
	BehavioralRegister     Behavioral = "REGISTER"
	BehavioralCardUnfrozen Behavioral = "CARD_UNFROZEN"
)

var behaviorals = []Behavioral{BehavioralRegister, BehavioralCardUnfrozen}

// smsCode is the code last sent to a phone for one purpose.
type smsCode struct {
	Code       string     `json:"code"`
	Behavioral Behavioral `json:"behavioral"`
	Target     string     `json:"target"` // mobileCode + " " + mobile
	SentAt     time.Time  `json:"sentAt"`
	ExpiresAt  time.Time  `json:"expiresAt"`
	Tries      int        `json:"tries"` // wrong codes entered
	Used       bool       `json:"used"`
}

func smsKey(b Behavioral, target string) string { return string(b) + " " + target }

// sendSMSLocked "sends" the sandbox code, refusing a send within the
// minimum interval with RISK_FAILED.
func (w *world) sendSMSLocked(b Behavioral, target string) error {
	now := w.Now()
	key := smsKey(b, target)
	if prev, ok := w.sms[key]; ok && w.set.SMSInterval.D() > 0 && now.Sub(prev.SentAt) < w.set.SMSInterval.D() {
		return fail("RISK_FAILED", text{"a %s code was sent to this number %s ago; wait %s between codes",
			"%s 验证码 %s 前已发送，两次发送需间隔 %s"}, b, now.Sub(prev.SentAt), w.set.SMSInterval.D())
	}
	w.sms[key] = smsCode{Code: w.set.SMSCode, Behavioral: b, Target: target, SentAt: now, ExpiresAt: now.Add(w.set.SMSValidity.D())}
	return nil
}

// verifySMSLocked checks and uses up a code: ACCOUNT_CAPTCHA_CODE_ERROR when
// none was sent, it expired or was used; MFA_BEHAVIORAL_ERROR when it was
// sent for the other purpose; MFA_SMS_FAILED with the attempts left for a
// wrong code, and MFA_FAILED_FREEZE once they run out.
func (w *world) verifySMSLocked(b Behavioral, target, code string) error {
	if code == "" {
		return fail("ACCOUNT_CAPTCHA_CODE_ERROR", text{"smsCode is required (send one with /captcha/v1/send-mobile-code behavioral %s)",
			"smsCode 不能为空（请先调用 /captcha/v1/send-mobile-code，behavioral 为 %s）"}, b)
	}
	now := w.Now()
	key := smsKey(b, target)
	c, ok := w.sms[key]
	if !ok {
		for _, other := range behaviorals {
			if o, ok := w.sms[smsKey(other, target)]; ok && other != b && !o.Used && o.Code == code {
				return fail("MFA_BEHAVIORAL_ERROR", text{"this code was sent for %s, not %s", "该验证码用于 %s，而非 %s"}, other, b)
			}
		}
		return fail("ACCOUNT_CAPTCHA_CODE_ERROR", text{"no %s code was sent to this number", "未向该号码发送 %s 验证码"}, b)
	}
	switch {
	case c.Tries >= w.set.SMSAttempts:
		return fail("MFA_FAILED_FREEZE", text{"%d wrong codes; request a new code", "已输错 %d 次，请重新获取验证码"}, c.Tries)
	case c.Used:
		return fail("ACCOUNT_CAPTCHA_CODE_ERROR", text{"the code was already used", "验证码已使用"})
	case !now.Before(c.ExpiresAt):
		return fail("ACCOUNT_CAPTCHA_CODE_ERROR", text{"the code expired at %s", "验证码已于 %s 过期"}, c.ExpiresAt.Format(time.RFC3339))
	case code != c.Code:
		c.Tries++
		w.sms[key] = c
		left := w.set.SMSAttempts - c.Tries
		if left <= 0 {
			return fail("MFA_FAILED_FREEZE", text{"%d wrong codes; request a new code", "已输错 %d 次，请重新获取验证码"}, c.Tries)
		}
		return times(fail("MFA_SMS_FAILED", text{}), left)
	}
	c.Used = true
	w.sms[key] = c
	return nil
}
