package notices

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"text/template"
	"unicode/utf8"
)

//go:embed templates
var files embed.FS

// messages are the message templates, by name (the file's without .txt), each parsed with
// the blocks of common.txt.
var messages = func() map[string]*template.Template {
	common := template.Must(template.New("").ParseFS(files, "templates/common.txt"))
	names, err := fs.Glob(files, "templates/*.txt")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".txt")
		if base == "common" || base == "README" {
			continue
		}
		out[base] = template.Must(template.Must(common.Clone()).ParseFS(files, name))
	}
	return out
}()

// layout is the HTML page around an email's paragraphs.
var layout = htmltemplate.Must(htmltemplate.ParseFS(files, "templates/layout.html"))

// letter is a composed message: an email's subject, text and HTML, and the text of an SMS
// (for the messages to the person).
type letter struct {
	Subject, Text, HTML, SMS string
}

// compose renders the message name for v.
func compose(name string, v *view) (letter, error) {
	t := messages[name]
	if t == nil {
		return letter{}, fmt.Errorf("notices: no message %q", name)
	}
	block := func(b string, v *view) (string, error) {
		var out bytes.Buffer
		if err := t.ExecuteTemplate(&out, b, v); err != nil {
			return "", fmt.Errorf("compose %s: %w", name, err)
		}
		return tidy(out.String()), nil
	}
	var l letter
	var err error
	if l.Subject, err = block("subject", v); err != nil {
		return l, err
	}
	l.Subject = strings.Join(strings.Fields(l.Subject), " ")
	if l.Text, err = block("text", v); err != nil {
		return l, err
	}
	l.Text += "\n"
	if l.HTML, err = page(l.Subject, l.Text); err != nil {
		return l, fmt.Errorf("compose %s: %w", name, err)
	}
	if t.Lookup("sms") != nil {
		l.SMS, err = fitSMS(v, func(v *view) (string, error) {
			s, err := block("sms", v)
			return strings.Join(strings.Fields(s), " "), err
		})
	}
	return l, err
}

var blankLines = regexp.MustCompile(`\n{3,}`)

// tidy trims the spaces templates leave at the ends of lines and keeps at most one blank
// line between paragraphs.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

var links = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)]`)

// page makes the HTML part of an email from its text: a paragraph for each block of lines,
// line breaks kept, links clickable. The text stays the single source of what is said.
func page(subject, text string) (string, error) {
	var body strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		body.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				body.WriteString("<br>\n")
			}
			last := 0
			for _, m := range links.FindAllStringIndex(line, -1) {
				body.WriteString(htmltemplate.HTMLEscapeString(line[last:m[0]]))
				u := htmltemplate.HTMLEscapeString(line[m[0]:m[1]])
				body.WriteString(`<a href="` + u + `" style="color:#0b4f9c">` + u + `</a>`)
				last = m[1]
			}
			body.WriteString(htmltemplate.HTMLEscapeString(line[last:]))
		}
		body.WriteString("</p>\n")
	}
	var out bytes.Buffer
	err := layout.Execute(&out, struct {
		Subject string
		Body    htmltemplate.HTML
	}{subject, htmltemplate.HTML(body.String())})
	return out.String(), err
}

// fitSMS renders an SMS and, while it takes more than one SMS, renders it again with a
// shorter workshop title, then without the place's name, then without the title: the
// date, the time and the link always stay.
func fitSMS(v *view, render func(*view) (string, error)) (string, error) {
	short := *v
	var text string
	for step := 0; ; step++ {
		var err error
		if text, err = render(&short); err != nil || smsFits(text) {
			return text, err
		}
		switch step {
		case 0:
			short.Workshop = cut(v.Workshop, 30)
		case 1:
			short.Place = ""
		case 2:
			short.Workshop = cut(v.Workshop, 18)
		case 3:
			short.Workshop = ""
		default:
			// Still too long (a very long address for the site): send it in two parts
			// rather than lose the link.
			return text, nil
		}
	}
}

// cut shortens s to its words that fit in n characters (at least its first word).
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	words := strings.Fields(s)
	out := words[0]
	for _, w := range words[1:] {
		if utf8.RuneCountInString(out+" "+w) > n {
			break
		}
		out += " " + w
	}
	// A title cut after "de" or "les" reads as broken: end on a word that means something.
	for {
		i := strings.LastIndexByte(out, ' ')
		if i < 0 || !smallWords[strings.ToLower(out[i+1:])] {
			break
		}
		out = out[:i]
	}
	return strings.TrimRight(out, " ,;:-(")
}

// smallWords are the French words a cut title must not end with.
var smallWords = map[string]bool{"le": true, "la": true, "les": true, "l'": true, "de": true, "des": true, "du": true,
	"d'": true, "un": true, "une": true, "en": true, "et": true, "à": true, "au": true, "aux": true, "pour": true, "sur": true,
	"avec": true, "son": true, "sa": true, "ses": true, "votre": true, "vos": true}
