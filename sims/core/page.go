package core

import "math"

// Window is a zero-based slice of a result set. Each provider's page.go
// turns its own paging parameters (0- or 1-based pages, size or take or
// rows) into a Window; core only slices.
type Window struct{ Offset, Limit int }

// PageWindow returns the window of a zero-based page of the given size. A
// page so far out that its offset overflows an int is past any end: its
// window is empty, never a wrapped-around page.
func PageWindow(page, size int) Window {
	switch {
	case page < 0 || size <= 0:
		return Window{Offset: -1, Limit: 0}
	case size > 0 && page > math.MaxInt/size:
		return Window{Offset: math.MaxInt, Limit: size}
	}
	return Window{Offset: page * size, Limit: size}
}

// Paginate returns the items inside w. It never fails: an out-of-range
// window yields an empty slice, as every provider we simulate does.
func Paginate[T any](items []T, w Window) []T {
	if w.Offset >= len(items) || w.Limit <= 0 || w.Offset < 0 {
		return []T{}
	}
	end := min(w.Offset+w.Limit, len(items))
	return items[w.Offset:end]
}

// Pages returns how many pages of size hold total items.
func Pages(total, size int) int {
	if size <= 0 {
		return 0
	}
	return (total + size - 1) / size
}
