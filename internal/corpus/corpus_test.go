package corpus

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCorpusIsLargeDeterministicAndCoversEveryCent(t *testing.T) {
	t.Parallel()
	all := All()
	assert.GreaterOrEqual(t, len(all), 2000)
	assert.Equal(t, all, All(), "same inputs every call")
	cents := map[string]bool{}
	for _, a := range Of(Amounts) {
		cents[a[len(a)-2:]] = true
	}
	assert.Len(t, cents, 100, "every cent value .00–.99")
	for _, k := range []Kind{Names, Emails, Labels, Amounts, Phones, References, Tokens} {
		assert.NotEmpty(t, Of(k), k)
	}
}
