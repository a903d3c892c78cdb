package keysecure

// Field encryption — KeySecure encrypts sensitive fields (card privacy
// data, activation CVV, PIN) with AES/ECB/PKCS5Padding and Base64, keyed by
// the merchant's api secret. The key derivation is not published; see
// WithAESKey and doc.go.

import (
	"bytes"
	"crypto/aes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// aesKey derives the AES key from an api secret.
func aesKey(secret, derivation string) ([]byte, error) {
	switch derivation {
	case "sha256":
		k := sha256.Sum256([]byte(secret))
		return k[:], nil
	case "base64":
		k, err := base64.StdEncoding.DecodeString(secret)
		if err != nil {
			return nil, fmt.Errorf("api secret is not Base64: %w", err)
		}
		return k, checkKeyLen(k)
	}
	k := []byte(secret)
	return k, checkKeyLen(k)
}

func checkKeyLen(k []byte) error {
	switch len(k) {
	case 16, 24, 32:
		return nil
	}
	return fmt.Errorf("AES keys are 16, 24 or 32 bytes; this one is %d", len(k))
}

// Encrypt is AES/ECB/PKCS5Padding then Base64, with the key derived from
// secret as the server's WithAESKey says ("raw" by default). Merchants'
// tests use it to encrypt a CVV or PIN the way KeySecure expects.
func Encrypt(secret, derivation string, plain []byte) (string, error) {
	key, err := aesKey(secret, derivation)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	n := aes.BlockSize - len(plain)%aes.BlockSize
	buf := append(append([]byte(nil), plain...), bytes.Repeat([]byte{byte(n)}, n)...)
	for i := 0; i < len(buf); i += aes.BlockSize {
		block.Encrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}

// Decrypt reverses Encrypt.
func Decrypt(secret, derivation, b64 string) ([]byte, error) {
	key, err := aesKey(secret, derivation)
	if err != nil {
		return nil, err
	}
	buf, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, errors.New("not Base64")
	}
	if len(buf) == 0 || len(buf)%aes.BlockSize != 0 {
		return nil, errors.New("ciphertext is not a whole number of AES blocks")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(buf); i += aes.BlockSize {
		block.Decrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	n := int(buf[len(buf)-1])
	if n < 1 || n > aes.BlockSize || !bytes.Equal(buf[len(buf)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, errors.New("bad padding (wrong key?)")
	}
	return buf[:len(buf)-n], nil
}
