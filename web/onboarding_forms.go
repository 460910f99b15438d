package web

import (
	"net/url"
	"slices"
	"sort"
	"strconv"

	"github.com/escale-numerique/escale/workshops"
)

// Forms of onboarding and coordination pages: what was typed, the French message of each
// invalid field, and the fields laid out by the "onb-*" templates (partials/onboarding.html)
// with their label, hint, error, aria-invalid and aria-describedby.

// honeypotField is a field hidden from people (by CSS, and from screen readers) that
// robots filling every input fill too: a form that comes back with it is dropped quietly.
const honeypotField = "homepage"

// formState is a form as shown: the values to fill in and the messages of invalid fields.
type formState struct {
	// prefix makes the fields' ids unique on the page ("join" → "join-email").
	prefix string
	values url.Values
	errors map[string]string
	// order lists the fields in page order, for the error summary.
	order []string
}

// newForm returns a form showing values and the messages of ve (which may be nil).
func newForm(prefix string, values url.Values, ve *workshops.ValidationError, order ...string) *formState {
	f := &formState{prefix: prefix, values: values, errors: map[string]string{}, order: order}
	if f.values == nil {
		f.values = url.Values{}
	}
	if ve != nil {
		for k, v := range ve.Fields {
			f.errors[k] = v
		}
	}
	return f
}

// ID returns the id of a field's input.
func (f *formState) ID(name string) string { return f.prefix + "-" + name }

// Value returns what a field holds.
func (f *formState) Value(name string) string { return f.values.Get(name) }

// Error returns the message of an invalid field, or "".
func (f *formState) Error(name string) string { return f.errors[name] }

// Invalid reports whether the form has an invalid field.
func (f *formState) Invalid() bool { return len(f.errors) > 0 }

// Summary lists the invalid fields in page order, each linking to its input.
func (f *formState) Summary() []fieldError {
	names := make([]string, 0, len(f.errors))
	for k := range f.errors {
		names = append(names, k)
	}
	rank := func(n string) int {
		if i := slices.Index(f.order, n); i >= 0 {
			return i
		}
		return len(f.order)
	}
	sort.Slice(names, func(i, j int) bool {
		if ri, rj := rank(names[i]), rank(names[j]); ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	out := make([]fieldError, 0, len(names))
	for _, n := range names {
		out = append(out, fieldError{Href: "#" + f.ID(n), Message: f.errors[n]})
	}
	return out
}

// formField is one input, text area, list or group of boxes of a form.
type formField struct {
	ID           string
	Name         string
	Label        string
	Hint         string
	Error        string
	Type         string
	Value        string
	Autocomplete string
	Required     bool
	Options      []formOption
}

// formOption is a choice of a list or a box of a group.
type formOption struct {
	ID      string
	Value   string
	Label   string
	Checked bool
}

// DescribedBy returns the ids of the hint and error that describe the field.
func (f formField) DescribedBy() string {
	return field{ID: f.ID, Hint: f.Hint, Error: f.Error}.DescribedBy()
}

func (f *formState) field(name, label, hint string) formField {
	return formField{ID: f.ID(name), Name: name, Label: label, Hint: hint, Error: f.Error(name), Value: f.Value(name)}
}

// Input is a one-line field of a type (text, email, tel, url…), with its autocomplete
// purpose ("" for none).
func (f *formState) Input(name, label, typ, autocomplete, hint string) formField {
	ff := f.field(name, label, hint)
	ff.Type, ff.Autocomplete, ff.Required = typ, autocomplete, true
	return ff
}

// Optional is Input for a field that may stay empty.
func (f *formState) Optional(name, label, typ, autocomplete, hint string) formField {
	ff := f.Input(name, label, typ, autocomplete, hint)
	ff.Required = false
	return ff
}

// Password is a password field: what was typed is never shown again.
func (f *formState) Password(name, label, autocomplete, hint string) formField {
	ff := f.Input(name, label, "password", autocomplete, hint)
	ff.Value = ""
	return ff
}

// Area is a multi-line field that must be filled in.
func (f *formState) Area(name, label, hint string) formField {
	ff := f.field(name, label, hint)
	ff.Required = true
	return ff
}

// OptionalArea is a multi-line field that may stay empty.
func (f *formState) OptionalArea(name, label, hint string) formField {
	return f.field(name, label, hint)
}

// Select is a list of choices, one of which is always chosen.
func (f *formState) Select(name, label, hint string, choices workshops.Choices) formField {
	ff := f.field(name, label, hint)
	ff.Required = true
	for _, ch := range choices {
		ff.Options = append(ff.Options, formOption{Value: ch.Code, Label: ch.Label, Checked: ch.Code == ff.Value})
	}
	return ff
}

// Checks is a group of boxes, any number of which may be checked. The first box has the
// group's id, so that the error summary leads to it.
func (f *formState) Checks(name, legend, hint string, choices workshops.Choices) formField {
	ff := f.field(name, legend, hint)
	for i, ch := range choices {
		id := ff.ID
		if i > 0 {
			id += "-" + strconv.Itoa(i)
		}
		ff.Options = append(ff.Options, formOption{ID: id, Value: ch.Code, Label: ch.Label,
			Checked: slices.Contains(f.values[name], ch.Code)})
	}
	return ff
}

// Check is a single box, checked when the field holds value.
func (f *formState) Check(name, label, value string) formField {
	ff := f.field(name, label, "")
	ff.Options = []formOption{{ID: ff.ID, Value: value, Label: label, Checked: slices.Contains(f.values[name], value)}}
	return ff
}
