package bkj_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/bkj"
)

// publishedHash is the SHA-256 of the normalized body of bkj's signature
// page example (providers.md §1.2).
const publishedHash = "a7b723934403b778527163797c0cd34ca20536c5409de092070b6e0efedb9a41"

func TestBodyNormalizationMatchesThePublishedExample(t *testing.T) {
	t.Parallel()
	in, err := os.ReadFile("../../contracts/bkj/examples/signature-body-normalization.input.json")
	require.NoError(t, err)
	want, err := os.ReadFile("../../contracts/bkj/examples/signature-body-normalization.normalized.json")
	require.NoError(t, err)
	got, err := bkj.NormalizeBody(in)
	require.NoError(t, err)
	assert.Equal(t, string(bytes.TrimSpace(want)), string(got))
	hash, normalized := bkj.BodyHash(in)
	assert.Equal(t, publishedHash, hash)
	assert.Equal(t, got, normalized)
	sum := sha256.Sum256(bytes.TrimSpace(want))
	assert.Equal(t, publishedHash, hex.EncodeToString(sum[:]), "the published normalized form hashes to the published hash")
}

func TestNormalizeBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "keys sorted at every level", in: `{"b":{"d":1,"c":2},"a":[{"z":1,"y":2}]}`, want: `{"a":[{"y":2,"z":1}],"b":{"c":2,"d":1}}`},
		{name: "whitespace removed", in: "{ \"a\" :\n 1 ,\t\"b\": [ 1 , 2 ] }", want: `{"a":1,"b":[1,2]}`},
		{name: "nulls and array order kept", in: `{"x":null,"l":[3,1,2]}`, want: `{"l":[3,1,2],"x":null}`},
		{name: "numbers exactly as written", in: `{"a":1.50,"b":2011377754139471874,"c":1e5,"d":-0}`, want: `{"a":1.50,"b":2011377754139471874,"c":1e5,"d":-0}`},
		{name: "non-ASCII kept as UTF-8", in: `{"name":"张三","e":"\u00e9"}`, want: `{"e":"é","name":"张三"}`},
		{name: "HTML characters not escaped", in: `{"q":"<a&b>"}`, want: `{"q":"<a&b>"}`},
		{name: "control characters escaped", in: `{"s":"a\nb\t\u0001\"\\/"}`, want: `{"s":"a\nb\t\u0001\"\\/"}`},
		{name: "repeated key keeps the last value", in: `{"a":1,"a":2}`, want: `{"a":2}`},
		{name: "top-level array", in: `[{"b":1,"a":2}]`, want: `[{"a":2,"b":1}]`},
		{name: "booleans", in: `{"t":true,"f":false}`, want: `{"f":false,"t":true}`},
		{name: "keys sorted by code point", in: `{"b":1,"B":2,"é":3,"a":4}`, want: `{"B":2,"a":4,"b":1,"é":3}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := bkj.NormalizeBody([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			again, err := bkj.NormalizeBody(got)
			require.NoError(t, err)
			assert.Equal(t, string(got), string(again), "normalizing is idempotent")
		})
	}
}

func TestBodyHashEdges(t *testing.T) {
	t.Parallel()
	h, n := bkj.BodyHash(nil)
	assert.Empty(t, h, "no body: BODY_HASH is empty")
	assert.Nil(t, n)
	h, _ = bkj.BodyHash([]byte("  \n"))
	assert.Empty(t, h, "a whitespace body counts as none")
	raw := []byte("not json")
	h, n = bkj.BodyHash(raw)
	sum := sha256.Sum256(raw)
	assert.Equal(t, hex.EncodeToString(sum[:]), h, "a body that is not JSON is hashed as sent")
	assert.Equal(t, raw, n)
}

func TestCanonicalQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, want string
	}{
		{name: "published example", raw: "c=3&a=1&b=2", want: "a=1&b=2&c=3"},
		{name: "empty", raw: "", want: ""},
		{name: "values decoded", raw: "account_id=b8a77a39%3A&last_name=Mock-Doe&q=a+b", want: "account_id=b8a77a39:&last_name=Mock-Doe&q=a b"},
		{name: "repeated key sorted by value", raw: "s=b&s=a&a=2", want: "a=2&s=a&s=b"},
		{name: "empty value kept", raw: "b=&a=1", want: "a=1&b="},
		{name: "seed curl", raw: "account_id=b8a77a39-a2dd-4799-99ca-936f1e63d44f%3A&currency=USD&status=actice&type=virtual&first_name=John&last_name=Mock-Doe",
			want: "account_id=b8a77a39-a2dd-4799-99ca-936f1e63d44f:&currency=USD&first_name=John&last_name=Mock-Doe&status=actice&type=virtual"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := bkj.CanonicalQuery(tt.raw)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := bkj.CanonicalQuery("a=%zz")
	assert.Error(t, err)
}

// The worked example of the README (notes/readme-bkj.md): these exact
// values must keep producing this exact string-to-sign and signature.
func TestWorkedExample(t *testing.T) {
	t.Parallel()
	sts, err := bkj.StringToSign(http.MethodGet, "/openapi/v1/card/list", "take=2&page=1", "1767225600", "550e8400e29b41d4a716446655440000", nil)
	require.NoError(t, err)
	assert.Equal(t, "GET\n/openapi/v1/card/list\npage=1&take=2\n1767225600\n550e8400e29b41d4a716446655440000\n", sts)
	assert.Equal(t, "7e278fc3f3fe543e797ff56fcbcb4cc2e8ceb9efd5c2e88957e716a55f71f5b4", bkj.Sign(bkj.DefaultAPISecret, sts))

	body := []byte(`{"name":"John","age":25,"email":null,"hobbies":["reading","gaming"],"address":{"zip":10001,"city":"New York"}}`)
	sts, err = bkj.StringToSign("post", "/openapi/v1/debug/post", "", "1767225600", "550e8400e29b41d4a716446655440000", body)
	require.NoError(t, err)
	assert.Equal(t, "POST\n/openapi/v1/debug/post\n\n1767225600\n550e8400e29b41d4a716446655440000\n"+publishedHash, sts)
	assert.Equal(t, "9aa454bf9fdd49706a7cc95151a6f7d00f09e92d035d62acc2750046b62415a1", bkj.Sign(bkj.DefaultAPISecret, sts))
}

func TestResponseSignature(t *testing.T) {
	t.Parallel()
	body := []byte(`{"code":0,"data":null,"message":"success","timestamp":1767225600000}`)
	sts := bkj.ResponseStringToSign("1767225600", "abc", body)
	sum := sha256.Sum256(body)
	assert.Equal(t, "1767225600\nabc\n"+hex.EncodeToString(sum[:]), sts)
	h := http.Header{}
	h.Set(bkj.HeaderTimestamp, "1767225600")
	h.Set(bkj.HeaderNonce, "abc")
	h.Set(bkj.HeaderSignature, bkj.Sign("s3cret", sts))
	assert.NoError(t, bkj.VerifyResponse("s3cret", h, body))
	assert.ErrorIs(t, bkj.VerifyResponse("other", h, body), bkj.ErrResponseSignature)
	assert.ErrorIs(t, bkj.VerifyResponse("s3cret", h, append(body, ' ')), bkj.ErrResponseSignature, "the exact bytes are signed")
	assert.ErrorIs(t, bkj.VerifyResponse("s3cret", http.Header{}, body), bkj.ErrResponseSignature)
}
