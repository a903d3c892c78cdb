package core

// DecodeThen decodes an admin body strictly (DecodeStrict) into a new T and
// returns what f makes of it: the step every kind of a provider's Create
// hook takes.
//
//	case "cards":
//		return core.DecodeThen(body, w.addCardLocked)
func DecodeThen[T, R any](body []byte, f func(T) (R, error)) (any, error) {
	var v T
	if err := DecodeStrict(body, &v); err != nil {
		return nil, err
	}
	return f(v)
}
