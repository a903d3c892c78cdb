package sims

// GET /_mocksrv/tenants/{id}/{provider}/state?section=… reads one list of a
// provider's state dump a page at a time, filtered, with an outline of the
// rest — for the QA console, whose pages would otherwise encode and scan
// the whole dump of a 10,000-card tenant for fifty rows. It is written
// once, on the dump every provider already makes (core.Provider.State),
// walked as its JSON (dumpwalk.go): only the records on the page, and with
// a text filter the records it reads, are encoded.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// stateParams are the parameters of the state read.
var stateParams = []string{"compact", "section", "outline", "offset", "limit", "q", "status_field", "status", "where", "order", "fields"}

const (
	sectionLimit    = 50
	maxSectionLimit = 100000
)

// stateSection is one page of a section of a state dump.
type stateSection struct {
	Section string `json:"section"`
	// Total is the number of records in the section; Matched, those the
	// filters keep.
	Total   int    `json:"total"`
	Matched int    `json:"matched"`
	Offset  int    `json:"offset"`
	Limit   int    `json:"limit"`
	Order   string `json:"order"`
	// StatusField is the field counted in Statuses and filtered by the
	// status parameter: the first of status_field's names the records
	// carry.
	StatusField string            `json:"status_field,omitempty"`
	Statuses    []statusCount     `json:"statuses,omitempty"`
	Records     []json.RawMessage `json:"records"`
	Outline     []outlineEntry    `json:"outline"`
}

// statusCount is how many records of a section have one status.
type statusCount struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
}

// outlineEntry is one part of a state dump: a top-level field, or a list
// nested in each element of a top-level list ("accounts[].cards").
type outlineEntry struct {
	Key  string `json:"key"`
	Kind string `json:"kind"` // object, array, string, number, bool, null
	// Count is a list's number of records; Fields, the fields its records
	// carry (from the first record, or its type when it has none).
	Count  int          `json:"count,omitempty"`
	Fields []fieldShape `json:"fields,omitempty"`
	// Value is any other field's value.
	Value json.RawMessage `json:"value,omitempty"`
}

// fieldShape is a record field's name and JSON kind.
type fieldShape struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// sectioned reports whether a state request asks for a section or the
// outline rather than the whole dump.
func sectioned(q url.Values) bool {
	return q.Has("section") || q.Has("outline")
}

// wholeDumpParams checks the parameters of a read of the whole dump:
// compact only.
func wholeDumpParams(q url.Values) error {
	if err := unknownParams("state", q, stateParams...); err != nil {
		return err
	}
	for k := range q {
		if k != "compact" {
			return fmt.Errorf("state: %s needs a section (section=cards; ?outline=1 lists them)", k)
		}
	}
	return nil
}

// stateRequest is a parsed sectioned state read.
type stateRequest struct {
	section       string
	outlineOnly   bool
	offset, limit int
	q             []byte // lower case; matched against the records' values
	statusFields  []string
	status        *string
	where         [][2]string
	newest        bool
	fields        []string
}

func parseStateRequest(q url.Values) (stateRequest, error) {
	req := stateRequest{limit: sectionLimit}
	if err := unknownParams("state", q, stateParams...); err != nil {
		return req, err
	}
	req.section = strings.TrimSpace(q.Get("section"))
	if req.section == "" {
		if !q.Has("outline") {
			return req, fmt.Errorf("state: section is empty; name a list of the dump (see ?outline=1)")
		}
		req.outlineOnly = true
		for k := range q {
			if k != "outline" && k != "compact" {
				return req, fmt.Errorf("state: %s needs a section", k)
			}
		}
		return req, nil
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return req, fmt.Errorf("state: offset %q is not a non-negative number", v)
		}
		req.offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxSectionLimit {
			return req, fmt.Errorf("state: limit %q is not a number from 0 to %d", v, maxSectionLimit)
		}
		req.limit = n
	}
	if v := strings.TrimSpace(q.Get("q")); v != "" {
		req.q = bytes.ToLower([]byte(v))
	}
	for _, f := range strings.Split(q.Get("status_field"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			req.statusFields = append(req.statusFields, f)
		}
	}
	if q.Has("status") {
		if len(req.statusFields) == 0 {
			return req, fmt.Errorf("state: status needs status_field (the field to filter by)")
		}
		s := q.Get("status")
		req.status = &s
	}
	for _, w := range q["where"] {
		k, v, ok := strings.Cut(w, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return req, fmt.Errorf("state: where %q: want field=value", w)
		}
		req.where = append(req.where, [2]string{strings.TrimSpace(k), v})
	}
	switch o := q.Get("order"); o {
	case "", "oldest":
	case "newest":
		req.newest = true
	default:
		return req, fmt.Errorf("state: order %q: want oldest or newest", o)
	}
	for _, f := range strings.Split(q.Get("fields"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			req.fields = append(req.fields, f)
		}
	}
	return req, nil
}

// readSection answers a sectioned state read of dump.
func readSection(dump any, req stateRequest) (any, error) {
	top := walkOf(dump)
	if top.kind() != "object" {
		return nil, fmt.Errorf("state: this provider's dump is not an object")
	}
	outline, lists := outlineOf(top)
	if req.outlineOnly {
		return map[string]any{"outline": outline}, nil
	}
	recs, ok := lists(req.section)
	if !ok {
		var names []string
		for _, e := range outline {
			if e.Kind == "array" {
				names = append(names, e.Key)
			}
		}
		return nil, fmt.Errorf("%w: state: no list %q in the dump (lists: %s)", errNotFound, req.section, strings.Join(names, ", "))
	}
	out := &stateSection{Section: req.section, Total: len(recs), Offset: req.offset, Limit: req.limit, Order: "oldest", Outline: outline, Records: []json.RawMessage{}}
	if req.newest {
		out.Order = "newest"
	}
	if len(req.statusFields) > 0 {
		out.StatusField = pickField(sectionShape(outline, req.section), req.statusFields)
		if out.StatusField != "" {
			counts := map[string]int{}
			for _, r := range recs {
				counts[textOf(r, out.StatusField)]++
			}
			for s, n := range counts {
				out.Statuses = append(out.Statuses, statusCount{s, n})
			}
			sort.Slice(out.Statuses, func(i, j int) bool { return out.Statuses[i].Status < out.Statuses[j].Status })
		}
	}
	// Filter by fields and text, read where they are: only the records on
	// the page are encoded.
	keep := make([]int, 0, len(recs))
	for i, r := range recs {
		if req.status != nil && (out.StatusField == "" || textOf(r, out.StatusField) != *req.status) {
			continue
		}
		if !whereHolds(r, req.where) {
			continue
		}
		if req.q != nil && !r.contains(req.q) {
			continue
		}
		keep = append(keep, i)
	}
	if req.newest {
		slices.Reverse(keep)
	}
	out.Matched = len(keep)
	lo := min(req.offset, len(keep))
	hi := min(lo+req.limit, len(keep))
	for _, i := range keep[lo:hi] {
		b, err := encodeRecord(recs[i], req.fields)
		if err != nil {
			return nil, err
		}
		out.Records = append(out.Records, b)
	}
	return out, nil
}

func encodeRecord(r dumpValue, fields []string) (json.RawMessage, error) {
	if len(fields) == 0 {
		return r.encode()
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	n := 0
	for _, f := range fields {
		v, ok := r.field(f)
		if !ok {
			continue
		}
		b, err := v.encode()
		if err != nil {
			return nil, err
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(f)
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(b)
		n++
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func textOf(r dumpValue, field string) string {
	v, ok := r.field(field)
	if !ok {
		return ""
	}
	return v.text()
}

func whereHolds(r dumpValue, where [][2]string) bool {
	for _, w := range where {
		if textOf(r, w[0]) != w[1] {
			return false
		}
	}
	return true
}

// pickField returns the first of names that the section's records carry.
func pickField(shape []fieldShape, names []string) string {
	for _, n := range names {
		for _, f := range shape {
			if f.Name == n {
				return n
			}
		}
	}
	return ""
}

func sectionShape(outline []outlineEntry, key string) []fieldShape {
	for _, e := range outline {
		if e.Key == key {
			return e.Fields
		}
	}
	return nil
}

// outlineOf describes every top-level field of a dump and every list
// nested in the elements of a top-level list; lists returns a list's
// records by its key.
func outlineOf(top dumpValue) ([]outlineEntry, func(key string) ([]dumpValue, bool)) {
	var out []outlineEntry
	tops := top.fields()
	for _, f := range tops {
		e := outlineEntry{Key: f.name, Kind: f.val.kind()}
		if f.val.listish() {
			e.Kind = "array"
			e.Count = f.val.length()
			e.Fields = shapeOf(f.val, f.val.first(1))
			out = append(out, e)
			out = append(out, nestedLists(f.name, f.val)...)
			continue
		}
		if b, err := f.val.encode(); err == nil {
			e.Value = b
		}
		out = append(out, e)
	}
	lists := func(key string) ([]dumpValue, bool) {
		outer, inner, nested := strings.Cut(key, "[].")
		for _, f := range tops {
			if f.name != outer || !f.val.listish() {
				continue
			}
			if !nested {
				return f.val.elements(), true
			}
			recs, found := innerRecords(f.val, inner)
			return recs, found
		}
		return nil, false
	}
	return out, lists
}

// innerRecords gathers the list inner of every element of list, in order;
// found says whether any element (or the elements' type) has such a list.
func innerRecords(list dumpValue, inner string) (recs []dumpValue, found bool) {
	for _, el := range list.elements() {
		if v, ok := el.field(inner); ok && v.listish() {
			found = true
			recs = append(recs, v.elements()...)
		}
	}
	return recs, found || slices.Contains(listFieldsOfType(list), inner)
}

// scanForNested is how many elements of a list whose type does not say
// are read to find the lists inside them.
const scanForNested = 20

// nestedLists outlines the lists inside the elements of the list key.
func nestedLists(key string, list dumpValue) []outlineEntry {
	names := listFieldsOfType(list)
	if _, typed := elemStruct(list); !typed {
		seen := map[string]bool{}
		for _, el := range list.first(scanForNested) {
			for _, f := range el.fields() {
				if f.val.listish() && !seen[f.name] {
					seen[f.name] = true
					names = append(names, f.name)
				}
			}
		}
	}
	var out []outlineEntry
	els := list.elements()
	for _, n := range names {
		e := outlineEntry{Key: key + "[]." + n, Kind: "array"}
		var sample dumpValue
		var firstRec []dumpValue
		for _, el := range els {
			v, ok := el.field(n)
			if !ok || !v.listish() {
				continue
			}
			if !sample.v.IsValid() && sample.raw == nil {
				sample = v
			}
			if l := v.length(); l > 0 {
				e.Count += l
				if firstRec == nil {
					firstRec = v.first(1)
				}
			}
		}
		if len(firstRec) > 0 && firstRec[0].kind() != "object" || len(firstRec) == 0 && !listOfObjects(sample) {
			continue // a list of scalars (tags) is a field, not a section
		}
		e.Fields = shapeOf(sample, firstRec)
		out = append(out, e)
	}
	return out
}

// listFieldsOfType names the list fields of a list's element type, when
// its elements are structs read field by field.
func listFieldsOfType(list dumpValue) []string {
	et, ok := elemStruct(list)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range structFieldsOf(et).fields {
		ft := et.Field(f.index).Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if (ft.Kind() == reflect.Slice && ft.Elem().Kind() != reflect.Uint8) || ft.Kind() == reflect.Array {
			out = append(out, f.name)
		}
	}
	return out
}

// shapeOf lists the fields of a list's records: the first record's, then
// those its element type declares that the first record leaves out
// (omitempty), or for an empty list of structs, its element type's.
func shapeOf(list dumpValue, els []dumpValue) []fieldShape {
	var out []fieldShape
	seen := map[string]bool{}
	add := func(name string, v dumpValue) {
		if seen[name] {
			return
		}
		seen[name] = true
		k := v.kind()
		if v.listish() {
			k = "array"
		}
		out = append(out, fieldShape{name, k})
	}
	if len(els) > 0 {
		for _, f := range els[0].fields() {
			add(f.name, f.val)
		}
	}
	if et, ok := elemStruct(list); ok {
		zero := reflect.New(et).Elem()
		for _, f := range structFieldsOf(et).fields {
			add(f.name, resolve(zero.Field(f.index)))
		}
	}
	return out
}

// listOfObjects reports whether a list's element type is a struct or a
// map, so an empty one is still a list of records.
func listOfObjects(list dumpValue) bool {
	if list.raw != nil || !list.v.IsValid() || !list.listish() {
		return false
	}
	et := list.v.Type().Elem()
	for et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	return et.Kind() == reflect.Struct || et.Kind() == reflect.Map
}

// elemStruct returns the struct type of a list's elements, when they are
// read field by field.
func elemStruct(list dumpValue) (reflect.Type, bool) {
	if list.raw != nil || !list.v.IsValid() || !list.listish() {
		return nil, false
	}
	et := list.v.Type().Elem()
	for et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	if et.Kind() != reflect.Struct || structFieldsOf(et).opaque || et.Implements(jsonMarshalerType) || et.Implements(textMarshalerType) ||
		reflect.PointerTo(et).Implements(jsonMarshalerType) || reflect.PointerTo(et).Implements(textMarshalerType) {
		return nil, false
	}
	return et, true
}
