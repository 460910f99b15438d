package web

// The API's writes, with a personal token (see apiAuth): how request bodies are read and
// how what is wrong with them is named. The resources are in api_write_workshops.go,
// api_write_sessions.go (and api_write_schedule.go) and api_write_structures.go.
//
// Bodies are JSON objects whose members have the read API's names. They are decoded
// strictly by the encoding/json/v2 semantics: an unknown or repeated member, a value of
// the wrong JSON type, invalid UTF-8 or anything after the object is a 400 whose errors[]
// names the member as a JSON Pointer without its leading slash ("title", "themes/2",
// "dates/0"; "body" for the document as a whole). A well-formed document whose values
// break a rule is a 422 naming each invalid member the same way.
//
// In a PATCH an absent member leaves the field as it is; null, like an empty value ("",
// []), clears it, which puts back the default of a field that has one and is refused
// (422) for a field that must have a value.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// bodyName names the request body as a whole in a problem's errors[].
const bodyName = "body"

// opt is a member of a request body that may be absent, null, or a value.
type opt[T any] struct {
	// Set says the member was sent, Null that it was sent as null.
	Set, Null bool
	// Value is what was sent, when not null.
	Value T
}

// UnmarshalJSONFrom records that the member was sent, and whether as null, then decodes
// its value with the decoder's options (unknown members are refused all the way down).
func (o *opt[T]) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	o.Set = true
	if d.PeekKind() == 'n' {
		o.Null = true
		_, err := d.ReadToken()
		return err
	}
	return json.UnmarshalDecode(d, &o.Value)
}

// apply copies a member that was sent into *dst: its value, or the zero value for null.
func (o opt[T]) apply(dst *T) {
	if !o.Set {
		return
	}
	var zero T
	if o.Null {
		*dst = zero
		return
	}
	*dst = o.Value
}

// applyIfGiven copies a value that was sent, leaving *dst as it is for null: where a
// default applies (a session's capacity), null asks for it.
func (o opt[T]) applyIfGiven(dst *T) {
	if o.given() {
		*dst = o.Value
	}
}

// given reports whether the member was sent with a value other than null.
func (o opt[T]) given() bool { return o.Set && !o.Null }

// mayWrite answers 403 at once to someone who manages no structure (an orienting
// professional's token, say), whatever they sent: no write of the calendar can be theirs.
// Everyone else is checked by the domain, against the thing they act on.
func mayWrite(c *fiber.Ctx) error {
	if !actor(c).ManagesAny() {
		return workshops.ErrForbidden
	}
	return nil
}

// decodeJSON reads the request body, a JSON object, into dst. It answers 415 for a body
// that is not declared as JSON and 400 (a badRequest naming the member) for one that is
// not a well-formed object of the expected shape. Fiber's BodyLimit (1 MB) has already
// refused larger bodies with 413.
func decodeJSON(c *fiber.Ctx, dst any) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json") {
		return fiber.NewError(fiber.StatusUnsupportedMediaType,
			"Envoyez un objet JSON, avec l'en-tête Content-Type: application/json.")
	}
	body := c.Body()
	// An object, not null, which would decode as an empty PATCH.
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		return badRequest{&workshops.ValidationError{Fields: map[string]string{
			bodyName: "Le corps de la demande doit être un objet JSON, entre accolades { … }.",
		}}}
	}
	if err := json.Unmarshal(body, dst, json.RejectUnknownMembers(true)); err != nil {
		return badRequest{bodyProblem(err)}
	}
	return nil
}

// bodyProblem names the member a decoding error is about and says, in French, what is
// wrong with it.
func bodyProblem(err error) *workshops.ValidationError {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	name, msg := bodyName, "Le corps de la demande n'a pas pu être lu comme un objet JSON."
	switch {
	case errors.As(err, &syn):
		name = memberName(syn.JSONPointer)
		switch {
		case errors.Is(err, jsontext.ErrDuplicateName):
			msg = "Ce champ est présent deux fois."
		case errors.Is(err, io.ErrUnexpectedEOF):
			msg = "Le JSON s'arrête avant la fin : il est incomplet."
		default:
			msg = fmt.Sprintf("Le JSON est mal formé (caractère invalide, texte qui n'est pas en UTF-8 ou contenu après l'objet) vers l'octet %d.", syn.ByteOffset)
		}
	case errors.As(err, &sem):
		name = memberName(sem.JSONPointer)
		switch {
		case errors.Is(err, json.ErrUnknownName):
			msg = "Ce champ n'existe pas ici : vérifiez son nom dans /api/v1/openapi.json."
		case sem.GoType != nil:
			msg = "Type de valeur incorrect : " + expected(sem.GoType) + " est attendu."
		}
	}
	return &workshops.ValidationError{Fields: map[string]string{name: msg}}
}

// memberName turns a JSON Pointer into the name errors[] gives: without its leading
// slash, "body" for the whole document. No body member lies deeper than a list's item
// ("dates/3"), so a deeper pointer (arrays nested ten thousand deep) is cut to three
// tokens, and a very long member name is shortened.
func memberName(p jsontext.Pointer) string {
	tokens := strings.SplitN(strings.TrimPrefix(string(p), "/"), "/", 4)
	name := strings.Join(tokens[:min(len(tokens), 3)], "/")
	if name == "" {
		return bodyName
	}
	return truncateRunes(name, 100)
}

// expected says in French which JSON value a Go type reads.
func expected(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "du texte entre guillemets"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "un nombre entier (pas trop grand)"
	case reflect.Float32, reflect.Float64:
		return "un nombre"
	case reflect.Bool:
		return "true ou false"
	case reflect.Slice, reflect.Array:
		return "une liste [ … ]"
	}
	return "un objet { … }"
}

// renamed gives the fields of a domain validation error the names of the request's
// members where they differ (the domain's "place" is the API's "place_id"); other errors
// pass unchanged.
func renamed(err error, names map[string]string) error {
	var ve *workshops.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	return ve.Renamed(names)
}

// invalidMember is a validation error about one member of a request body.
func invalidMember(name, msg string) error {
	return &workshops.ValidationError{Fields: map[string]string{name: msg}}
}

// slugRE is the shape of every slug the domain makes (see workshops.Slugify and its
// numbered variants); anything else names nothing and is not looked up.
var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validSlug reports whether s could be a slug.
func validSlug(s string) bool { return len(s) <= 100 && slugRE.MatchString(s) }

// sessionID reads the session number of the path, or returns a 404 naming id.
func sessionID(c *fiber.Ctx) (int64, error) { return pathID(c, "de séance") }

// pathID reads the number in the path's id, or returns a 404 naming id and saying it is
// not a number of what ("de séance", "d'inscription").
func pathID(c *fiber.Ctx, what string) (int64, error) {
	raw := c.Params("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, missing{param: "id", detail: fmt.Sprintf("« %s » n'est pas un numéro %s.", truncateRunes(raw, 40), what)}
	}
	return id, nil
}

// rfc3339RE is the shape of an RFC 3339 date-time: time.Parse alone also takes a
// one-digit hour ("T7:00:00").
var rfc3339RE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

// parseInstant reads an RFC 3339 date and time with its offset from member name into
// *dst, to the second (feeds, cursors and the read API count in seconds), recording a
// French message in v when it is not one. Absent or null leaves the zero time, which the
// domain refuses where a time is needed.
func parseInstant(v *workshops.ValidationError, name string, o opt[string], dst *time.Time) {
	if !o.given() || o.Value == "" {
		return
	}
	raw := strings.TrimSpace(o.Value)
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil || !rfc3339RE.MatchString(raw) {
		v.Add(name, "Indiquez la date et l'heure au format RFC 3339, avec le décalage horaire : par exemple 2026-12-01T14:00:00+01:00.")
		return
	}
	*dst = t.Truncate(time.Second)
}

// parseDate reads a YYYY-MM-DD date (between 2000 and 2100) from member name, recording
// a French message in v when it is not one. Absent, null or empty gives the zero date.
func parseDate(v *workshops.ValidationError, name, s string) workshops.Date {
	if s == "" {
		return workshops.Date{}
	}
	d, err := workshops.ParseDate(s)
	if err != nil {
		v.Add(name, "Indiquez une date réelle au format AAAA-MM-JJ, entre 2000 et 2100 : par exemple 2027-03-02.")
	}
	return d
}

// apiCreated answers 201 with the new resource's API address in Location and v as body.
func apiCreated(c *fiber.Ctx, location string, v any) error {
	c.Location(location)
	c.Status(fiber.StatusCreated)
	return apiJSON(c, v)
}
