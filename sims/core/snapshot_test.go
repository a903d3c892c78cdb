package core

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWriteFileAtomicKeep: the file comes back open on what was written,
// and keeps reading that even once another file replaces it at path.
func TestWriteFileAtomicKeep(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows renames nothing over an open file")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	first, err := WriteFileAtomicKeep(path, func(w io.Writer) error { _, err := io.WriteString(w, "first"); return err })
	require.NoError(t, err)
	defer first.Close()
	require.NoError(t, WriteFileAtomic(path, []byte("second!")))
	b, err := io.ReadAll(io.NewSectionReader(first, 0, 100))
	require.NoError(t, err)
	assert.Equal(t, "first", string(b), "the kept file is the one written")
	on, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "second!", string(on))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
}

// TestWriteFileAtomicKeepFailure: a write that fails leaves the old file,
// no temporary file and nothing open.
func TestWriteFileAtomicKeepFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	require.NoError(t, WriteFileAtomic(path, []byte("old")))
	boom := errors.New("boom")
	f, err := WriteFileAtomicKeep(path, func(w io.Writer) error { _, _ = io.WriteString(w, "half"); return boom })
	require.ErrorIs(t, err, boom)
	assert.Nil(t, f)
	on, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old", string(on))
	left, err := filepath.Glob(filepath.Join(dir, ".state.json.tmp-*"))
	require.NoError(t, err)
	assert.Empty(t, left)

	_, err = WriteFileAtomicKeep(filepath.Join(dir, "no-such-dir", "state.json"), func(io.Writer) error { return nil })
	assert.ErrorContains(t, err, "snapshot:")
}
