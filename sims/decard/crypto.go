package decard

// AES for sensitive fields — DeCard captcha/account: mobile "已兼容支持AES密文传输"
// (AES/ECB/PKCS5Padding, Base64, key = the Base64-decoded API secret).

import (
	"crypto/aes"
	"encoding/base64"
	"errors"
	"fmt"
)

// aesKey returns the AES key of an API secret: its Base64 decoding, which
// must be 16, 24 or 32 bytes.
func aesKey(apiSecret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(apiSecret)
	if err != nil {
		return nil, fmt.Errorf("the API secret is not Base64: %w", err)
	}
	switch len(key) {
	case 16, 24, 32:
		return key, nil
	}
	return nil, fmt.Errorf("the API secret decodes to %d bytes; AES needs 16, 24 or 32", len(key))
}

// Encrypt encrypts a sensitive field (a mobile number) as DeCard accepts
// it: AES/ECB/PKCS5Padding with the Base64-decoded API secret, Base64.
func Encrypt(apiSecret, plain string) (string, error) {
	key, err := aesKey(apiSecret)
	if err != nil {
		return "", err
	}
	block, _ := aes.NewCipher(key)
	bs := block.BlockSize()
	pad := bs - len(plain)%bs
	buf := make([]byte, len(plain)+pad)
	copy(buf, plain)
	for i := len(plain); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	for i := 0; i < len(buf); i += bs {
		block.Encrypt(buf[i:i+bs], buf[i:i+bs])
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}

// Decrypt reverses Encrypt.
func Decrypt(apiSecret, cipherText string) (string, error) {
	key, err := aesKey(apiSecret)
	if err != nil {
		return "", err
	}
	buf, err := base64.StdEncoding.DecodeString(cipherText)
	if err != nil {
		return "", errors.New("not Base64")
	}
	block, _ := aes.NewCipher(key)
	bs := block.BlockSize()
	if len(buf) == 0 || len(buf)%bs != 0 {
		return "", errors.New("not a whole number of AES blocks")
	}
	for i := 0; i < len(buf); i += bs {
		block.Decrypt(buf[i:i+bs], buf[i:i+bs])
	}
	pad := int(buf[len(buf)-1])
	if pad < 1 || pad > bs {
		return "", errors.New("bad PKCS5 padding")
	}
	for _, b := range buf[len(buf)-pad:] {
		if int(b) != pad {
			return "", errors.New("bad PKCS5 padding")
		}
	}
	return string(buf[:len(buf)-pad]), nil
}

// plainMobile returns a mobile number sent in plain digits or as AES
// ciphertext (the server accepts both; a value that is all digits is
// plain).
func plainMobile(apiSecret, v string) (string, error) {
	if isDigits(v, 0) {
		return v, nil
	}
	p, err := Decrypt(apiSecret, v)
	if err != nil || !isDigits(p, 0) {
		return "", invalid("mobile must be digits, or their AES ciphertext (AES/ECB/PKCS5Padding, Base64, key = Base64-decoded API secret)")
	}
	return p, nil
}
