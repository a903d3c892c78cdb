package core

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes data to path so that a reader (or a process
// killed halfway) sees either the old file or the new one, never a torn
// one: write a temporary file in the same directory, fsync it, rename it
// over path, then fsync the directory.
func WriteFileAtomic(path string, data []byte) error {
	return WriteFileAtomicFunc(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFileAtomicFunc is WriteFileAtomic for a file that write streams, so
// a large file never needs to be whole in memory.
func WriteFileAtomicFunc(path string, write func(w io.Writer) error) error {
	f, err := writeFileAtomic(path, write, false)
	if f != nil {
		_ = f.Close()
	}
	return err
}

// WriteFileAtomicKeep is WriteFileAtomicFunc that also returns the new file
// open for reading (opened before the rename, so it is the file written
// even if path is replaced again at once). The caller closes it.
func WriteFileAtomicKeep(path string, write func(w io.Writer) error) (*os.File, error) {
	return writeFileAtomic(path, write, true)
}

func writeFileAtomic(path string, write func(w io.Writer) error, keep bool) (kept *os.File, err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
			if kept != nil {
				_ = kept.Close()
				kept = nil
			}
		}
	}()
	if err = write(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("snapshot: write %s: %w", tmp, err)
	}
	if err = f.Sync(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("snapshot: sync %s: %w", tmp, err)
	}
	if err = f.Close(); err != nil {
		return nil, fmt.Errorf("snapshot: close %s: %w", tmp, err)
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if keep {
		if kept, err = os.Open(tmp); err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
	}
	if err = os.Rename(tmp, path); err != nil {
		return kept, fmt.Errorf("snapshot: rename onto %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return kept, nil
}

// RemoveStaleTemps deletes temporary files a killed WriteFileAtomic left
// beside path. Call it at start, before anything writes path.
func RemoveStaleTemps(path string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	for _, m := range matches {
		_ = os.Remove(m)
	}
}
