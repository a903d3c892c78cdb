package sims_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// textPair matches a text{en, zh} literal: one message in both languages,
// formatted with the same arguments.
var textPair = regexp.MustCompile(`text\{\s*("(?:[^"\\]|\\.)*")\s*,\s*("(?:[^"\\]|\\.)*")\s*\}`)

// formatArgs maps each argument a format consumes (1-based, explicit %[n]
// indexes followed) to its verb.
func formatArgs(format string) map[int]byte {
	args := map[int]byte{}
	next := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] == '%' {
			continue
		}
		if i < len(format) && format[i] == '[' {
			end := strings.IndexByte(format[i:], ']')
			if end > 0 {
				if n, err := strconv.Atoi(format[i+1 : i+end]); err == nil {
					next = n
				}
				i += end + 1
			}
		}
		for i < len(format) && (format[i] == '.' || ('0' <= format[i] && format[i] <= '9')) {
			i++
		}
		if i < len(format) {
			args[next] = format[i]
			next++
		}
	}
	return args
}

// Every message's Chinese text formats the same arguments with the same
// verbs as its English one, whatever order the sentence needs (%[2]s), in
// each provider that answers in both languages with text{en, zh} pairs.
func TestChineseTextsFormatTheSameArguments(t *testing.T) {
	t.Parallel()
	for _, provider := range []string{"bkj", "decard", "keysecure"} {
		t.Run(provider, func(t *testing.T) {
			t.Parallel()
			checkTextPairs(t, provider)
		})
	}
}

func checkTextPairs(t *testing.T, dir string) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range textPair.FindAllSubmatch(src, -1) {
			en, err1 := strconv.Unquote(string(m[1]))
			zh, err2 := strconv.Unquote(string(m[2]))
			require.NoError(t, err1, f)
			require.NoError(t, err2, f)
			if zh == "" {
				continue // the English text stands for both
			}
			n++
			assert.Equal(t, formatArgs(en), formatArgs(zh), "%s: %q and %q format different arguments", f, en, zh)
		}
	}
	assert.Greater(t, n, 20, "the scan finds the package's messages")
}
