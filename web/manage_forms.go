package web

import (
	"errors"
	"net/url"
	"slices"
	"sort"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// The mediators' forms are laid out from the values as typed (url.Values) and the French
// message of each invalid field, so that a form shown again after a mistake keeps
// everything, even a capacity typed "dix". A page shown for the first time turns the
// stored record into the same values.

// formValues returns the url-encoded fields of a submitted form.
func formValues(c *fiber.Ctx) url.Values {
	v := url.Values{}
	c.Request().PostArgs().VisitAll(func(k, val []byte) {
		v.Add(string(k), string(val))
	})
	return v
}

// validationOf returns the validation error inside err, or nil.
func validationOf(err error) *workshops.ValidationError {
	var ve *workshops.ValidationError
	if errors.As(err, &ve) {
		return ve
	}
	return nil
}

// formView builds the fields of one form: each helper returns a field ready for its
// template and remembers where the field is, for the error summary.
type formView struct {
	// prefix starts every id of the form, so that several forms share a page.
	prefix string
	values url.Values
	errors map[string]string
	// targets are the form's fields in order, with the id of the element the error
	// summary links to.
	targets []target
}

type target struct{ name, id string }

func newFormView(prefix string, values url.Values, ve *workshops.ValidationError) *formView {
	f := &formView{prefix: prefix, values: values, errors: map[string]string{}}
	if ve != nil {
		f.errors = ve.Fields
	}
	return f
}

func (f *formView) id(name string) string { return f.prefix + name }

func (f *formView) remember(name, id string) { f.targets = append(f.targets, target{name, id}) }

// input is a one-line text input. A date or time input showing an error becomes a text
// input: a date input would blank what was typed instead of letting it be corrected.
func (f *formView) input(name, label, typ, hint string) field {
	fl := field{ID: f.id(name), Name: name, Label: label, Type: typ, Hint: hint, Value: f.values.Get(name), Error: f.errors[name]}
	if fl.Error != "" {
		switch typ {
		case "date":
			fl.Type, fl.Placeholder = "text", "AAAA-MM-JJ"
			fl.Hint = joinHint(hint, "Format : AAAA-MM-JJ, par exemple 2027-03-09.")
		case "time":
			fl.Type, fl.Placeholder = "text", "HH:MM"
			fl.Hint = joinHint(hint, "Format : HH:MM, par exemple 14:30.")
		}
	}
	f.remember(name, fl.ID)
	return fl
}

// number is a text input for a whole number: a number input would refuse "dix" silently
// rather than say what is wrong.
func (f *formView) number(name, label, hint string) field {
	fl := f.input(name, label, "text", hint)
	fl.Inputmode = "numeric"
	return fl
}

func joinHint(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// textArea is a multi-line text field.
type textArea struct {
	ID, Name, Label, Hint, Value, Error string
	Rows                                int
}

// DescribedBy returns the ids of the hint and error that describe the field.
func (t textArea) DescribedBy() string {
	return field{ID: t.ID, Hint: t.Hint, Error: t.Error}.DescribedBy()
}

func (f *formView) area(name, label, hint string, rows int) textArea {
	t := textArea{ID: f.id(name), Name: name, Label: label, Hint: hint, Value: f.values.Get(name), Error: f.errors[name], Rows: rows}
	f.remember(name, t.ID)
	return t
}

// choiceGroup is a set of radio buttons or checkboxes under a legend.
type choiceGroup struct {
	ID, Name, Legend, Hint, Error string
	// Multiple makes checkboxes; otherwise radio buttons.
	Multiple bool
	Options  []choiceOption
}

// choiceOption is one radio button or checkbox.
type choiceOption struct {
	ID, Value, Label string
	Checked          bool
}

// Type is the input type of the group's options.
func (g choiceGroup) Type() string {
	if g.Multiple {
		return "checkbox"
	}
	return "radio"
}

// DescribedBy returns the ids of the hint and error that describe the group.
func (g choiceGroup) DescribedBy() string {
	return field{ID: g.ID, Hint: g.Hint, Error: g.Error}.DescribedBy()
}

func (f *formView) choices(name, legend, hint string, multiple bool, cs []choiceOption) choiceGroup {
	g := choiceGroup{ID: f.id(name), Name: name, Legend: legend, Hint: hint, Error: f.errors[name], Multiple: multiple}
	chosen := f.values[name]
	for _, o := range cs {
		o.ID = g.ID + "-" + o.Value
		o.Checked = slices.Contains(chosen, o.Value)
		g.Options = append(g.Options, o)
	}
	first := g.ID
	if len(g.Options) > 0 {
		first = g.Options[0].ID
	}
	f.remember(name, first)
	return g
}

// selectField is a drop-down menu.
type selectField struct {
	ID, Name, Label, Hint, Error string
	Options                      []choiceOption
}

// DescribedBy returns the ids of the hint and error that describe the menu.
func (s selectField) DescribedBy() string {
	return field{ID: s.ID, Hint: s.Hint, Error: s.Error}.DescribedBy()
}

func (f *formView) menu(name, label, hint string, cs []choiceOption) selectField {
	s := selectField{ID: f.id(name), Name: name, Label: label, Hint: hint, Error: f.errors[name]}
	chosen := f.values.Get(name)
	for _, o := range cs {
		o.Checked = o.Value == chosen
		s.Options = append(s.Options, o)
	}
	f.remember(name, s.ID)
	return s
}

// summary lists the messages in the order of the form's fields, each linking to its
// field; a message for a field the form does not show links to the first field.
func (f *formView) summary() []fieldError {
	var out []fieldError
	seen := map[string]bool{}
	for _, t := range f.targets {
		if msg := f.errors[t.name]; msg != "" && !seen[t.name] {
			seen[t.name] = true
			out = append(out, fieldError{Href: "#" + t.id, Message: msg})
		}
	}
	var others []string
	for name := range f.errors {
		if !seen[name] {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	for _, name := range others {
		href := "#contenu"
		if len(f.targets) > 0 {
			href = "#" + f.targets[0].id
		}
		out = append(out, fieldError{Href: href, Message: f.errors[name]})
	}
	return out
}

// options turns a fixed vocabulary into choices.
func options(cs workshops.Choices) []choiceOption {
	out := make([]choiceOption, 0, len(cs))
	for _, c := range cs {
		out = append(out, choiceOption{Value: c.Code, Label: c.Label})
	}
	return out
}

// errorTitle prefixes the title of a page shown again with mistakes, so that a screen
// reader says at once that something is wrong.
func errorTitle(title string, errs []fieldError) string {
	if len(errs) == 0 {
		return title
	}
	return "Erreur : " + title
}

// paramID reads the positive integer id of a route, or answers 404.
func paramID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, workshops.ErrNotFound
	}
	return id, nil
}
