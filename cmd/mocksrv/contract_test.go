package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContractCheckExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "card.list.response.json")
	bad := filepath.Join(dir, "drift", "card.list.response.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"code":1004,"msg":"Invalid request parameter: size","data":null}`), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Dir(bad), 0o755))
	require.NoError(t, os.WriteFile(bad, []byte(`{"code":0,"msg":"Success","data":{"list":[{"card_no":1}]}}`), 0o644))
	junit := filepath.Join(dir, "out.xml")

	var out, errb bytes.Buffer
	assert.Equal(t, 0, run([]string{"contract", "check", "--provider", "keysecure", good}, &out, &errb), out.String())
	out.Reset()
	assert.Equal(t, 1, run([]string{"contract", "check", "--provider", "keysecure", "--junit", junit, bad}, &out, &errb))
	assert.Contains(t, out.String(), "/data/list/0/card_no")
	b, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(b), "<failure"), "JUnit report written")
	assert.Equal(t, 2, run([]string{"contract", "check", good}, &out, &errb), "--provider is required")
	assert.Equal(t, 0, run([]string{"contract", "--help"}, &out, &errb))
	assert.Equal(t, 2, run([]string{"contract", "frob"}, &out, &errb))
}
