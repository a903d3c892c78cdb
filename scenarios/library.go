package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Library holds the scenario library (library/*.yaml), embedded so the
// binary can list and run it from anywhere.
//
//go:embed library/*.yaml
var Library embed.FS

// Entry is a library scenario's name and one-line description.
type Entry struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Tags        []string `json:"tags,omitempty"`
	File        string   `json:"file"`
}

// List returns the library, sorted by name.
func List() ([]Entry, error) {
	var out []Entry
	err := fs.WalkDir(Library, "library", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		b, err := Library.ReadFile(p)
		if err != nil {
			return err
		}
		sc, err := Parse(p, b)
		if err != nil {
			return err
		}
		out = append(out, Entry{Name: sc.Name, Description: sc.Description, Tags: sc.Tags, File: p})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// FromLibrary parses a library scenario by name.
func FromLibrary(name string) (*Scenario, error) {
	p := path.Join("library", strings.TrimSuffix(name, ".yaml")+".yaml")
	b, err := Library.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("no library scenario %q (see `mocksrv scenario list`)", name)
	}
	return Parse(p, b)
}
