package notifytest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
)

// Mail is a received message decoded the way a mail client would.
type Mail struct {
	Header      netmail.Header
	From        *netmail.Address
	ReplyTo     string
	Subject     string
	ContentType string
	// Text and HTML are the bodies of the text/plain and text/html parts, with LF line
	// ends as a mail client shows them.
	Text, HTML string
	// Calendar is the body of the inline text/calendar part (an alternative of the text),
	// CalendarMethod its method parameter.
	Calendar       string
	CalendarMethod string
	// Alternatives are the media types of the multipart/alternative's parts, in order.
	Alternatives []string
	// Attachments are the parts with an attachment disposition.
	Attachments []Attachment
}

// Attachment is an attached file.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// ParseMail decodes a received message, failing the test on anything a mail client could
// not read: a malformed header, a part that is not UTF-8 text, an unknown part.
func ParseMail(t testing.TB, data []byte) Mail {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	p := Mail{Header: msg.Header}
	dec := new(mime.WordDecoder)
	if p.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject: %v", err)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 {
		t.Fatalf("From %q: %v", msg.Header.Get("From"), err)
	}
	p.From = from[0]
	if rt := msg.Header.Get("Reply-To"); rt != "" {
		a, err := netmail.ParseAddress(rt)
		if err != nil {
			t.Fatalf("Reply-To %q: %v", rt, err)
		}
		p.ReplyTo = a.Address
	}
	mediaType, _, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	p.ContentType = mediaType
	p.walk(t, msg.Header, msg.Body, "")
	return p
}

// walk reads a part and, for a multipart, its parts; parent is the enclosing multipart's
// media type.
func (p *Mail) walk(t testing.TB, h map[string][]string, body io.Reader, parent string) {
	t.Helper()
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	mediaType, params, err := mime.ParseMediaType(get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", get("Content-Type"), err)
	}
	if parent == "multipart/alternative" {
		p.Alternatives = append(p.Alternatives, mediaType)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("multipart: %v", err)
			}
			p.walk(t, part.Header, part, mediaType)
		}
	}
	b, err := io.ReadAll(decoder(get("Content-Transfer-Encoding"), body))
	if err != nil {
		t.Fatalf("part %s: %v", mediaType, err)
	}
	if disp, dparams, _ := mime.ParseMediaType(get("Content-Disposition")); disp == "attachment" {
		name := dparams["filename"]
		if name == "" {
			name = params["name"]
		}
		p.Attachments = append(p.Attachments, Attachment{Name: name, ContentType: mediaType, Data: b})
		return
	}
	if !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("part %s charset %q, want UTF-8", mediaType, params["charset"])
	}
	switch mediaType {
	case "text/plain":
		p.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
	case "text/html":
		p.HTML = strings.ReplaceAll(string(b), "\r\n", "\n")
	case "text/calendar":
		p.Calendar, p.CalendarMethod = string(b), params["method"]
	default:
		t.Errorf("unexpected part %s", mediaType)
	}
}

func decoder(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	case "base64":
		// The decoder skips line breaks itself.
		return base64.NewDecoder(base64.StdEncoding, r)
	}
	return r
}
