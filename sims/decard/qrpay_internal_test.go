package decard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
)

// TestCRC16 pins the EMVCo checksum against the CRC-16/CCITT-FALSE check
// value.
func TestCRC16(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "29B1", crc16("123456789"))
}

// TestDecodeQR reads EMVCo payloads and wallet links, and refuses what is
// not a payment QR code with the field named.
func TestDecodeQR(t *testing.T) {
	t.Parallel()
	withCRC := func(body string) string { return body + crc16(body) }
	tests := []struct {
		name     string
		value    string
		want     qrCode
		wantCode string
		wantMsg  string
	}{
		{name: "paynow static", value: EMVCoQR("KOPI CORNER", "SINGAPORE", "SGD", ""),
			want: qrCode{Type: QRStatic, Scheme: SchemePayNow, Merchant: "KOPI CORNER", City: "SINGAPORE", Country: "SG", Currency: "SGD"}},
		{name: "paynow dynamic with an amount", value: EMVCoQR("KOPI CORNER", "SINGAPORE", "SGD", "12.50"),
			want: qrCode{Type: QRDynamic, Scheme: SchemePayNow, Merchant: "KOPI CORNER", City: "SINGAPORE", Country: "SG", Currency: "SGD",
				Amount: core.MustDecimal("12.5")}},
		{name: "other emvco, no currency", value: withCRC("000201010211" + "5204581258" + "02SG5903ABC6003SIN6304"),
			want: qrCode{Type: QRStatic, Scheme: SchemeEMVCo, Merchant: "ABC", City: "SIN", Country: "SG"}},
		{name: "wechat pay link", value: "https://payapp.wechatpay.cn/sjt/qr/AQlT4zA06WQ-YqkSq8jL1MGV",
			want: qrCode{Type: QRStatic, Scheme: SchemeWeChatPay, Country: "CN"}},
		{name: "wechat pay order link", value: "https://payapp.wechatpay.cn/qrpay/order/home2?key=sandbox_x",
			want: qrCode{Type: QRDynamic, Scheme: SchemeWeChatPay, Country: "CN"}},
		{name: "alipay link with an amount", value: "https://qr.alipay.com/fkx1?amount=88.8",
			want: qrCode{Type: QRStatic, Scheme: SchemeAlipay, Country: "CN", Currency: "CNY", Amount: core.MustDecimal("88.8")}},
		{name: "empty", value: " ", wantCode: "ACCOUNT_INVALID_PARAMETER", wantMsg: "qrCodeValue is required"},
		{name: "not a qr code", value: "hello", wantCode: "ACCOUNT_INVALID_PARAMETER", wantMsg: "is not a payment QR code"},
		{name: "unknown wallet", value: "https://pay.example.com/x", wantCode: "ACCOUNT_INVALID_PARAMETER", wantMsg: "pay.example.com is not a QR-pay scheme"},
		{name: "wrong crc", value: EMVCoQR("A", "B", "SGD", "")[:len(EMVCoQR("A", "B", "SGD", ""))-4] + "0000",
			wantCode: "ACCOUNT_INVALID_PARAMETER", wantMsg: "the CRC (tag 63) is 0000"},
		{name: "no crc", value: "0002015903ABC", wantCode: "ACCOUNT_INVALID_PARAMETER", wantMsg: "ends with its CRC"},
		{name: "cut short", value: "00020159", wantCode: "ACCOUNT_INVALID_PARAMETER", wantMsg: "cut short"},
		{name: "bad length", value: "0002015999ABC", wantCode: "ACCOUNT_INVALID_PARAMETER", wantMsg: "malformed EMVCo field at position 6"},
		{name: "no merchant", value: withCRC("0002010102115303702" + "6304"), wantCode: "ACCOUNT_INVALID_PARAMETER", wantMsg: "no merchant name (tag 59)"},
		{name: "unknown currency", value: withCRC("0002010102115303999" + "5903ABC6304"), wantCode: "CARD_TRANSACTION_UNSUPPORTED_CURRENCY", wantMsg: "999"},
		{name: "amount with a leading zero", value: withCRC("000201010212540201" + "5903ABC6304"), wantCode: "", want: qrCode{Type: QRDynamic, Scheme: SchemeEMVCo,
			Merchant: "ABC", Amount: core.MustDecimal("1")}},
		{name: "negative amount", value: withCRC("0002010102125402-1" + "5903ABC6304"), wantCode: "ACCOUNT_INVALID_PARAMETER", wantMsg: "amount (tag 54)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeQR(tt.value)
			if tt.wantCode != "" {
				require.Error(t, err)
				e := core.AsError(err)
				assert.Equal(t, tt.wantCode, e.Code)
				assert.Contains(t, e.Message, tt.wantMsg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want.Type, got.Type)
			assert.Equal(t, tt.want.Scheme, got.Scheme)
			assert.Equal(t, tt.want.Country, got.Country)
			assert.Equal(t, tt.want.Currency, got.Currency)
			assert.Equal(t, 0, tt.want.Amount.Cmp(got.Amount), "amount %s", got.Amount)
			if tt.want.Merchant != "" {
				assert.Equal(t, tt.want.Merchant, got.Merchant)
				assert.Equal(t, tt.want.City, got.City)
			} else {
				assert.NotEmpty(t, got.Merchant, "a wallet link's merchant is derived from it")
				again, err := decodeQR(tt.value)
				require.NoError(t, err)
				assert.Equal(t, got.Merchant, again.Merchant, "the same code is the same merchant")
			}
		})
	}
}
