package accounts

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"

	"github.com/escale-numerique/escale/notify"
)

//go:embed mail/*.txt
var mailFS embed.FS

// mailTemplates are the emails accounts sends, one file each in mail/: the first line is
// the subject, then a blank line, then the plain-text body, in French.
var mailTemplates = template.Must(template.New("").ParseFS(mailFS, "mail/*.txt"))

// compose renders an email template for a recipient.
func compose(name, to string, data any) (notify.Email, error) {
	var b bytes.Buffer
	if err := mailTemplates.ExecuteTemplate(&b, name+".txt", data); err != nil {
		return notify.Email{}, fmt.Errorf("compose %s: %w", name, err)
	}
	subject, body, ok := strings.Cut(b.String(), "\n\n")
	if !ok {
		return notify.Email{}, fmt.Errorf("compose %s: no blank line after the subject", name)
	}
	return notify.Email{To: to, Subject: strings.TrimSpace(subject), Text: strings.TrimSpace(body) + "\n"}, nil
}
