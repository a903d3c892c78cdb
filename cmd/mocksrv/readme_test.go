package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/mocksrv/mocksrv/sims"
)

// configTable renders the README's Configuration table from the serve
// flags: one row per flag, in --help's order, with its variable, default
// and --help text.
func configTable() string {
	fs, _ := serveFlags(io.Discard)
	var b strings.Builder
	b.WriteString("| flag | env | default | |\n| --- | --- | --- | --- |\n")
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	for _, n := range names { // VisitAll is already sorted, as --help is
		f := fs.Lookup(n)
		def := " "
		if f.DefValue != "" && f.DefValue != "[]" {
			def = " `" + f.DefValue + "` "
		}
		fmt.Fprintf(&b, "| `--%s` | `%s` |%s| %s |\n", n, envName("serve", n), def, f.Usage)
	}
	return b.String()
}

// TestReadmeConfigurationMatchesHelp keeps the README's flags table equal to
// what "mocksrv serve --help" says: same flags, variables, defaults, text.
func TestReadmeConfigurationMatchesHelp(t *testing.T) {
	t.Parallel()
	sec := readmetest.Section(t, "## Configuration")
	var got []string
	for _, line := range strings.Split(sec, "\n") {
		if strings.HasPrefix(line, "|") {
			got = append(got, line)
		}
	}
	want := strings.Split(strings.TrimSuffix(configTable(), "\n"), "\n")
	assert.Equal(t, want, got, "README Configuration table differs from serve --help; it should read:\n%s", configTable())
}

// TestReadmeTestCommandIsWhatCIRuns pins that the test command on the
// README's first screen is the one .ci/run runs, and that the first-screen
// run command is the serve default.
func TestReadmeTestCommandIsWhatCIRuns(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	ci, err := os.ReadFile("../../.ci/run")
	require.NoError(t, err)
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindSubmatch(readme)
	require.NotNil(t, block, "README starts with a sh block")
	var cmds []string
	for _, line := range strings.Split(string(block[1]), "\n") {
		if cmd, _, _ := strings.Cut(line, "#"); strings.TrimSpace(cmd) != "" {
			cmds = append(cmds, strings.TrimSpace(cmd))
		}
	}
	require.Equal(t, []string{"go run ./cmd/mocksrv", "go test -race ./..."}, cmds)
	assert.Regexp(t, `(?m)^go test -race \./\.\.\.$`, string(ci), ".ci/run runs the README's test command")
}

// TestDockerfile keeps the image honest without a Docker engine: a static
// build of this command, a version stamp that names the real variable, and
// MOCKSRV_* variables that are real serve flags.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../Dockerfile")
	require.NoError(t, err)
	df := string(b)
	assert.Regexp(t, `RUN CGO_ENABLED=0 go build .*-X github\.com/mocksrv/mocksrv/sims\.Version=\$\{VERSION\}.* \./cmd/mocksrv`, df)
	_ = sims.Version // the -X target above
	assert.Contains(t, df, "FROM scratch")
	assert.Contains(t, df, "ca-certificates.crt", "https webhook receivers need CA roots")
	fs, _ := serveFlags(io.Discard)
	var addr string
	for _, m := range regexp.MustCompile(`(MOCKSRV_[A-Z_]+)=(\S*)`).FindAllStringSubmatch(df, -1) {
		name := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(m[1], envPrefix), "_", "-"))
		assert.NotNil(t, fs.Lookup(name), "%s is a serve flag's variable", m[1])
		if m[1] == "MOCKSRV_ADDR" && !strings.Contains(m[0], "/") {
			addr = m[2]
		}
	}

	// The health check is the binary itself (no curl in scratch), run as
	// exec form without the entrypoint; with the image's MOCKSRV_ADDR it
	// asks the server on loopback.
	final := df[strings.Index(df, "FROM scratch"):]
	assert.Contains(t, final, `HEALTHCHECK `)
	assert.Regexp(t, `(?m)^HEALTHCHECK (--\S+ )*CMD \["/mocksrv", "health"\]$`, final)
	assert.Contains(t, final, `ENTRYPOINT ["/mocksrv"]`)
	require.Equal(t, "0.0.0.0:8080", addr, "the image's address")
	u, err := healthURL("", addr)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080/_mocksrv/health", u)

	// OCI labels, the version from the build argument (declared again in
	// the final stage, where LABEL can see it).
	for _, l := range []string{"title", "description", "source", "url", "documentation", "version", "revision"} {
		assert.Regexp(t, `org\.opencontainers\.image\.`+l+`="[^"]*"`, final, "label %s", l)
	}
	assert.Contains(t, final, `org.opencontainers.image.version="${VERSION}"`)
	assert.Less(t, strings.Index(final, "ARG VERSION"), strings.Index(final, "LABEL "), "ARG VERSION in the final stage, before LABEL")
}
