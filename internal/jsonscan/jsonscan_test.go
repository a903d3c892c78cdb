package jsonscan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFieldsAndElements(t *testing.T) {
	t.Parallel()
	doc := []byte(` {"a": "x\"y", "b\u00e9" :[1, {"c":[2,3]}, "]"], "d":null} `)
	var keys []string
	var values []string
	Fields(doc, func(k, v []byte) bool {
		keys = append(keys, Unquote(k))
		values = append(values, string(v))
		return true
	})
	assert.Equal(t, []string{"a", "bé", "d"}, keys)
	assert.Equal(t, []string{`"x\"y"`, `[1, {"c":[2,3]}, "]"]`, "null"}, values)
	els := Elements([]byte(values[1]))
	assert.Equal(t, [][]byte{[]byte("1"), []byte(`{"c":[2,3]}`), []byte(`"]"`)}, els)

	n := 0
	Fields(doc, func(_, _ []byte) bool { n++; return false })
	assert.Equal(t, 1, n, "stops when fn says so")
}

func TestTruncatedInputStops(t *testing.T) {
	t.Parallel()
	full := `{"a":[1,2,{"b":"c"}],"d":"e"}`
	for i := range len(full) {
		assert.NotPanics(t, func() {
			Fields([]byte(full[:i]), func(_, v []byte) bool { Elements(v); return true })
			Elements([]byte(full[:i]))
			EndOfValue([]byte(full[:i]), 0)
		})
	}
	assert.Nil(t, Elements([]byte(`{"not":"an array"}`)))
}

func FuzzScan(f *testing.F) {
	f.Add([]byte(`{"a":[1,2,{"b":"c\\"d"}],"e":null}`))
	f.Add([]byte(`[[[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		Fields(b, func(_, v []byte) bool { Elements(v); return true })
		Elements(b)
	})
}
