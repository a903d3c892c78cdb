package sims

// A provider's state dump (core.Provider.State) walked as the JSON it
// encodes to, without encoding it: the sectioned state read of the admin
// API (statesection.go) pages one list of a dump of 10,000 cards and
// encodes only the records on the page. Fields are found by their JSON
// names under encoding/json's rules (tag name, "-", omitempty, omitzero);
// a value that encodes itself (a json.Marshaler or encoding.TextMarshaler,
// such as time.Time or core.Decimal), and a struct with embedded fields
// (whose promotion rules this walker does not copy), is encoded and then
// read as JSON, so the walk always agrees with the encoding.

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mocksrv/mocksrv/internal/jsonscan"
)

// dumpValue is one value of a dump: a Go value walked by reflection, or
// its JSON when it encodes itself.
type dumpValue struct {
	v   reflect.Value // valid unless raw is set
	raw []byte
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func walkOf(x any) dumpValue { return resolve(reflect.ValueOf(x)) }

// resolve follows pointers and interfaces, and encodes a value that
// encodes itself (as encoding/json would call it) or a struct this walker
// does not read field by field.
func resolve(v reflect.Value) dumpValue {
	for {
		if !v.IsValid() {
			return dumpValue{raw: []byte("null")}
		}
		if selfEncoding(v) {
			return encoded(v)
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if v.IsNil() {
				return dumpValue{raw: []byte("null")}
			}
			v = v.Elem()
			continue
		case reflect.Struct:
			if structFieldsOf(v.Type()).opaque {
				return encoded(v)
			}
		}
		return dumpValue{v: v}
	}
}

func selfEncoding(v reflect.Value) bool {
	m := marshalersOf(v.Type())
	switch v.Kind() {
	case reflect.Interface:
		return false
	case reflect.Pointer:
		if m.value && !v.IsNil() {
			return true
		}
	default:
		if m.value {
			return true
		}
	}
	return v.CanAddr() && m.pointer
}

// marshalers says whether a type, and a pointer to it, encode themselves.
type marshalers struct{ value, pointer bool }

var marshalerCache sync.Map // reflect.Type → marshalers

func marshalersOf(t reflect.Type) marshalers {
	if m, ok := marshalerCache.Load(t); ok {
		return m.(marshalers)
	}
	implements := func(t reflect.Type) bool { return t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) }
	m := marshalers{value: implements(t), pointer: implements(reflect.PointerTo(t))}
	marshalerCache.Store(t, m)
	return m
}

func encoded(v reflect.Value) dumpValue {
	var x any
	if v.CanAddr() {
		x = v.Addr().Interface()
	} else {
		x = v.Interface()
	}
	b, err := json.Marshal(x)
	if err != nil {
		b = []byte("null")
	}
	return dumpValue{raw: b}
}

// kind is the JSON kind of a value: "object", "array", "string",
// "number", "bool" or "null".
func (d dumpValue) kind() string {
	if d.raw != nil {
		i := jsonscan.SkipSpace(d.raw, 0)
		if i >= len(d.raw) {
			return "null"
		}
		switch c := d.raw[i]; {
		case c == '{':
			return "object"
		case c == '[':
			return "array"
		case c == '"':
			return "string"
		case c == 't' || c == 'f':
			return "bool"
		case c == 'n':
			return "null"
		}
		return "number"
	}
	switch d.v.Kind() {
	case reflect.Struct:
		return "object"
	case reflect.Map:
		if d.v.IsNil() {
			return "null"
		}
		return "object"
	case reflect.Slice:
		if d.v.IsNil() {
			return "null"
		}
		if d.v.Type().Elem().Kind() == reflect.Uint8 {
			return "string" // []byte encodes as base64
		}
		return "array"
	case reflect.Array:
		return "array"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "number"
	}
	return "null"
}

// listish reports whether a value is a list, or would be one if it were
// not nil (a nil slice encodes as null, but is an empty list of the dump).
func (d dumpValue) listish() bool {
	if d.raw != nil {
		return d.kind() == "array"
	}
	k := d.v.Kind()
	return k == reflect.Array || k == reflect.Slice && d.v.Type().Elem().Kind() != reflect.Uint8
}

// elements returns the elements of a list (none for anything else).
func (d dumpValue) elements() []dumpValue {
	if d.raw != nil {
		var out []dumpValue
		for _, e := range jsonscan.Elements(d.raw) {
			out = append(out, dumpValue{raw: e})
		}
		return out
	}
	if !d.listish() {
		return nil
	}
	out := make([]dumpValue, d.v.Len())
	for i := range out {
		out[i] = resolve(d.v.Index(i))
	}
	return out
}

// first returns up to n first elements of a list.
func (d dumpValue) first(n int) []dumpValue {
	if d.raw != nil {
		els := d.elements()
		return els[:min(n, len(els))]
	}
	if !d.listish() {
		return nil
	}
	out := make([]dumpValue, min(n, d.v.Len()))
	for i := range out {
		out[i] = resolve(d.v.Index(i))
	}
	return out
}

// length is the number of elements of a list, without resolving them.
func (d dumpValue) length() int {
	if d.raw != nil {
		return len(jsonscan.Elements(d.raw))
	}
	if !d.listish() {
		return 0
	}
	return d.v.Len()
}

// namedValue is one field of an object.
type namedValue struct {
	name string
	val  dumpValue
}

// fields returns an object's fields in the order encoding/json writes them
// (a struct's in declaration order, a map's sorted by key).
func (d dumpValue) fields() []namedValue {
	if d.raw != nil {
		var out []namedValue
		jsonscan.Fields(d.raw, func(k, v []byte) bool {
			out = append(out, namedValue{jsonscan.Unquote(k), dumpValue{raw: v}})
			return true
		})
		return out
	}
	switch d.v.Kind() {
	case reflect.Struct:
		var out []namedValue
		for _, f := range structFieldsOf(d.v.Type()).fields {
			fv := d.v.Field(f.index)
			if f.omitted(fv) {
				continue
			}
			out = append(out, namedValue{f.name, resolve(fv)})
		}
		return out
	case reflect.Map:
		if d.v.IsNil() || d.v.Type().Key().Kind() != reflect.String {
			if !d.v.IsNil() {
				return encoded(d.v).fields() // maps keyed otherwise: as encoding/json keys them
			}
			return nil
		}
		keys := d.v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		out := make([]namedValue, len(keys))
		for i, k := range keys {
			out[i] = namedValue{k.String(), resolve(d.v.MapIndex(k))}
		}
		return out
	}
	return nil
}

// field returns the named field of an object.
func (d dumpValue) field(name string) (dumpValue, bool) {
	if d.raw != nil {
		var out []byte
		jsonscan.Fields(d.raw, func(k, v []byte) bool {
			if jsonscan.Unquote(k) == name {
				out = v
				return false
			}
			return true
		})
		return dumpValue{raw: out}, out != nil
	}
	switch d.v.Kind() {
	case reflect.Struct:
		f, ok := structFieldsOf(d.v.Type()).byName[name]
		if !ok {
			return dumpValue{}, false
		}
		fv := d.v.Field(f.index)
		if f.omitted(fv) {
			return dumpValue{}, false
		}
		return resolve(fv), true
	case reflect.Map:
		for _, nv := range d.fields() {
			if nv.name == name {
				return nv.val, true
			}
		}
	}
	return dumpValue{}, false
}

// text renders a scalar as text: a string's value, a number or bool as
// written; "" for null, objects and lists.
func (d dumpValue) text() string {
	if d.raw != nil {
		b := bytes.TrimSpace(d.raw)
		if len(b) == 0 || b[0] == '{' || b[0] == '[' || string(b) == "null" {
			return ""
		}
		if b[0] == '"' {
			if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 {
				return string(b[1 : len(b)-1])
			}
			var s string
			if json.Unmarshal(b, &s) == nil {
				return s
			}
			return ""
		}
		return string(b)
	}
	v := d.v
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return ""
		}
		return string(b)
	}
	return ""
}

// contains reports whether any value in d — a scalar, or any value nested
// in it — holds needle as text, ignoring ASCII case (needle is lower
// case). Keys are not searched: "status" does not match every record that
// has a status.
func (d dumpValue) contains(needle []byte) bool {
	if d.raw != nil {
		return rawContains(d.raw, needle)
	}
	return valueContains(d.v, needle)
}

// valueContains is contains on a Go value, walked in place: a value that
// encodes itself is asked for its JSON directly, without encoding/json's
// checks, and read as JSON.
func valueContains(v reflect.Value, needle []byte) bool {
	for {
		if !v.IsValid() {
			return false
		}
		if selfEncoding(v) {
			return selfContains(v, needle)
		}
		if k := v.Kind(); k != reflect.Pointer && k != reflect.Interface {
			break
		}
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	var buf [32]byte
	switch v.Kind() {
	case reflect.String:
		return containsFold(v.String(), needle)
	case reflect.Bool:
		return containsFold(strconv.FormatBool(v.Bool()), needle)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return containsFold(strconv.AppendInt(buf[:0], v.Int(), 10), needle)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return containsFold(strconv.AppendUint(buf[:0], v.Uint(), 10), needle)
	case reflect.Float32, reflect.Float64:
		return containsFold(dumpValue{v: v}.text(), needle)
	case reflect.Struct:
		si := structFieldsOf(v.Type())
		if si.opaque {
			return encoded(v).contains(needle)
		}
		for _, f := range si.fields {
			fv := v.Field(f.index)
			if !f.omitted(fv) && valueContains(fv, needle) {
				return true
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return encoded(v).contains(needle)
		}
		for it := v.MapRange(); it.Next(); {
			if valueContains(it.Value(), needle) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return encoded(v).contains(needle) // base64, as encoded
		}
		for i := 0; i < v.Len(); i++ {
			if valueContains(v.Index(i), needle) {
				return true
			}
		}
	}
	return false
}

// selfContains is contains on a value that encodes itself (time.Time,
// core.Decimal): its MarshalJSON read as JSON, or its MarshalText.
func selfContains(v reflect.Value, needle []byte) bool {
	var x any
	if v.CanAddr() && marshalersOf(v.Type()).pointer && !marshalersOf(v.Type()).value {
		x = v.Addr().Interface()
	} else {
		x = v.Interface()
	}
	switch m := x.(type) {
	case json.Marshaler:
		b, err := m.MarshalJSON()
		return err == nil && rawContains(b, needle)
	case encoding.TextMarshaler:
		b, err := m.MarshalText()
		return err == nil && containsFold(b, needle)
	}
	return false
}

// rawContains is contains for JSON.
func rawContains(b []byte, needle []byte) bool {
	i := jsonscan.SkipSpace(b, 0)
	if i >= len(b) {
		return false
	}
	switch b[i] {
	case '{':
		found := false
		jsonscan.Fields(b, func(_, v []byte) bool {
			found = rawContains(v, needle)
			return !found
		})
		return found
	case '[':
		for _, e := range jsonscan.Elements(b) {
			if rawContains(e, needle) {
				return true
			}
		}
		return false
	case '"':
		e := jsonscan.EndOfString(b, i)
		str := b[i+1 : max(e-1, i+1)]
		if bytes.IndexByte(str, '\\') < 0 {
			return containsFold(str, needle)
		}
		return containsFold(dumpValue{raw: b[i:e]}.text(), needle)
	case 'n':
		return false // null
	}
	return containsFold(bytes.TrimSpace(b[i:]), needle)
}

// containsFold reports whether s holds needle (lower case), ignoring ASCII
// case; a needle with other letters is compared after strings.ToLower.
func containsFold[T string | []byte](s T, needle []byte) bool {
	n := len(needle)
	if n == 0 {
		return true
	}
	for _, c := range needle {
		if c >= 0x80 {
			return strings.Contains(strings.ToLower(string(s)), string(needle))
		}
	}
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// encode returns the value's JSON.
func (d dumpValue) encode() ([]byte, error) {
	if d.raw != nil {
		return d.raw, nil
	}
	if !d.v.IsValid() {
		return []byte("null"), nil
	}
	return json.Marshal(d.v.Interface())
}

// structInfo is how encoding/json sees a struct type.
type structInfo struct {
	fields []fieldInfo
	byName map[string]fieldInfo
	opaque bool // has embedded fields: read through its encoding
}

type fieldInfo struct {
	name      string
	index     int
	omitEmpty bool
	omitZero  bool
}

func (f fieldInfo) omitted(v reflect.Value) bool {
	if f.omitZero && isZero(v) {
		return true
	}
	return f.omitEmpty && isEmpty(v)
}

var structInfos sync.Map // reflect.Type → *structInfo

func structFieldsOf(t reflect.Type) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{byName: map[string]fieldInfo{}}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous {
			si.opaque = true
			break
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		f := fieldInfo{name: name, index: i}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				f.omitEmpty = true
			case "omitzero":
				f.omitZero = true
			}
		}
		if _, dup := si.byName[name]; dup {
			si.opaque = true // encoding/json's tie rules: let it decide
			break
		}
		si.fields = append(si.fields, f)
		si.byName[name] = f
	}
	structInfos.Store(t, si)
	return si
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// isZero is encoding/json's omitzero test: an IsZero() bool method, or the
// zero value.
func isZero(v reflect.Value) bool {
	if m, ok := v.Interface().(interface{ IsZero() bool }); ok {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return m.IsZero()
	}
	return v.IsZero()
}
