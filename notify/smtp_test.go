package notify_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/notify/notifytest"
)

func signIn(to string) *notify.Message {
	e := email(to)
	return &notify.Message{ID: 1, Kind: notify.KindEmail, IdempotencyKey: "signin:1", Recipient: e.To, Subject: e.Subject, BodyText: e.Text}
}

func TestSMTPTransport(t *testing.T) {
	ctx := context.Background()
	trust := &tls.Config{RootCAs: notifytest.TestCert.Pool}

	t.Run("StartTLSWithCredentials", func(t *testing.T) {
		srv := notifytest.StartSMTP(t, notifytest.WithTLS(false), notifytest.WithUser("escale", "secret"))
		tr := srv.Transport(t, notify.SMTPConfig{TLS: notify.TLSStartTLS, TLSConfig: trust, Username: "escale", Password: "secret"})
		if err := tr.Send(ctx, signIn("camille@exemple.fr")); err != nil {
			t.Fatal(err)
		}
		if got := srv.Messages(); len(got) != 1 || got[0].User != "escale" {
			t.Fatalf("received %+v", got)
		}
	})

	t.Run("ImplicitTLSWithCredentials", func(t *testing.T) {
		srv := notifytest.StartSMTP(t, notifytest.WithTLS(true), notifytest.WithUser("escale", "secret"))
		tr := srv.Transport(t, notify.SMTPConfig{TLS: notify.TLSImplicit, TLSConfig: trust, Username: "escale", Password: "secret"})
		if err := tr.Send(ctx, signIn("camille@exemple.fr")); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 || got[0].User != "escale" {
			t.Fatalf("received %+v", got)
		}
		if m := notifytest.ParseMail(t, got[0].Data); m.Subject != email("").Subject {
			t.Errorf("subject %q", m.Subject)
		}
	})

	t.Run("WrongPasswordIsTemporary", func(t *testing.T) {
		srv := notifytest.StartSMTP(t, notifytest.WithTLS(false), notifytest.WithUser("escale", "secret"))
		tr := srv.Transport(t, notify.SMTPConfig{TLS: notify.TLSStartTLS, TLSConfig: trust, Username: "escale", Password: "oops"})
		err := tr.Send(ctx, signIn("camille@exemple.fr"))
		if err == nil || notify.IsPermanent(err) || !strings.Contains(err.Error(), "535") {
			t.Fatalf("err = %v, want a temporary failure quoting 535", err)
		}
	})

	t.Run("StartTLSRequired", func(t *testing.T) {
		srv := notifytest.StartSMTP(t)
		tr := srv.Transport(t, notify.SMTPConfig{TLS: notify.TLSStartTLS, TLSConfig: trust})
		err := tr.Send(ctx, signIn("camille@exemple.fr"))
		if err == nil || notify.IsPermanent(err) || len(srv.Messages()) != 0 {
			t.Fatalf("err = %v: sent in clear to a server without STARTTLS", err)
		}
	})

	t.Run("UntrustedCertificate", func(t *testing.T) {
		srv := notifytest.StartSMTP(t, notifytest.WithTLS(false))
		tr := srv.Transport(t, notify.SMTPConfig{TLS: notify.TLSStartTLS})
		if err := tr.Send(ctx, signIn("camille@exemple.fr")); err == nil || len(srv.Messages()) != 0 {
			t.Fatalf("err = %v: trusted a self-signed certificate", err)
		}
	})

	t.Run("ConnectionRefusedIsTemporary", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		tr, err := notify.NewSMTP(notify.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: notify.TLSNone, From: "escale@example.fr", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		err = tr.Send(ctx, signIn("camille@exemple.fr"))
		if err == nil || notify.IsPermanent(err) {
			t.Fatalf("err = %v, want a temporary failure", err)
		}
	})

	t.Run("TimeoutIsTemporary", func(t *testing.T) {
		// A server that accepts the connection and never greets.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
			}
		}()
		tr, err := notify.NewSMTP(notify.SMTPConfig{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, TLS: notify.TLSNone, From: "escale@example.fr", Timeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		err = tr.Send(ctx, signIn("camille@exemple.fr"))
		if err == nil || notify.IsPermanent(err) {
			t.Fatalf("err = %v, want a temporary failure", err)
		}
	})

	t.Run("HeadersCannotBeInjected", func(t *testing.T) {
		srv := notifytest.StartSMTP(t)
		tr := srv.Transport(t, notify.SMTPConfig{})
		m := signIn("camille@exemple.fr")
		m.Subject = "Bonjour\r\nBcc: pirate@exemple.fr"
		m.FromName = "Centre social « Les Nations », Vandœuvre\r\nBcc: pirate@exemple.fr"
		if err := tr.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 || len(got[0].To) != 1 {
			t.Fatalf("received %+v", got)
		}
		p := notifytest.ParseMail(t, got[0].Data)
		if p.Subject != "Bonjour Bcc: pirate@exemple.fr" {
			t.Errorf("Subject = %q", p.Subject)
		}
		if p.Header.Get("Bcc") != "" || len(p.Header["Bcc"]) != 0 {
			t.Errorf("a Bcc header was injected:\n%s", got[0].Data)
		}
		if p.From.Name != "Centre social « Les Nations », Vandœuvre Bcc: pirate@exemple.fr" || p.From.Address != "ne-pas-repondre@escale.example.fr" {
			t.Errorf("From = %q <%s>", p.From.Name, p.From.Address)
		}
	})

	t.Run("InvalidRecipientIsPermanent", func(t *testing.T) {
		srv := notifytest.StartSMTP(t)
		tr := srv.Transport(t, notify.SMTPConfig{})
		for _, to := range []string{"", "camille", "camille@", "a@b@c", "camille@exemple.fr\r\nBcc: x@y.fr"} {
			if err := tr.Send(ctx, signIn(to)); !notify.IsPermanent(err) {
				t.Errorf("recipient %q: err = %v, want permanent", to, err)
			}
		}
		if len(srv.Messages()) != 0 {
			t.Errorf("server received %d messages", len(srv.Messages()))
		}
	})
}

func TestNewSMTP(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  notify.SMTPConfig
		ok   bool
		port int
	}{
		{"Defaults", notify.SMTPConfig{Host: "smtp.example.fr", From: "escale@example.fr"}, true, 587},
		{"ImplicitTLSPort", notify.SMTPConfig{Host: "smtp.example.fr", From: "escale@example.fr", TLS: notify.TLSImplicit}, true, 465},
		{"NoHost", notify.SMTPConfig{From: "escale@example.fr"}, false, 0},
		{"NoSender", notify.SMTPConfig{Host: "smtp.example.fr"}, false, 0},
		{"BadSender", notify.SMTPConfig{Host: "smtp.example.fr", From: "escale"}, false, 0},
		{"BadTLS", notify.SMTPConfig{Host: "smtp.example.fr", From: "escale@example.fr", TLS: "ssl"}, false, 0},
		{"BadPort", notify.SMTPConfig{Host: "smtp.example.fr", From: "escale@example.fr", Port: 70000}, false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := notify.NewSMTP(tt.cfg)
			if (err == nil) != tt.ok {
				t.Errorf("err = %v, want ok = %v", err, tt.ok)
			}
		})
	}
	for _, s := range []string{"starttls", "TLS", " none "} {
		if _, err := notify.ParseTLSMode(s); err != nil {
			t.Errorf("ParseTLSMode(%q): %v", s, err)
		}
	}
	if _, err := notify.ParseTLSMode("ssl"); err == nil {
		t.Error("ParseTLSMode accepted ssl")
	}
}

func TestConsole(t *testing.T) {
	var out bytes.Buffer
	c := notify.NewConsole(&out, "Escale")
	m := signIn("camille@exemple.fr")
	m.ReplyTo = "contact@mediatheque.example.fr"
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"De : Escale", "À : camille@exemple.fr", "Répondre à : contact@mediatheque.example.fr", "Objet : " + m.Subject, "https://agenda.example.fr/login/abc"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
	if err := c.Send(context.Background(), signIn("pas une adresse")); !notify.IsPermanent(err) {
		t.Errorf("invalid address: %v, want permanent", err)
	}
}

func TestSMTPInvitation(t *testing.T) {
	invitation, err := os.ReadFile("../ics/testdata/invitation-request.ics")
	if err != nil {
		t.Fatal(err)
	}
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newFixture(t, db, notify.WorkerConfig{})
		_, err := notify.Enqueue(context.Background(), db, &notify.Message{
			Kind: notify.KindEmail, IdempotencyKey: "invitation", Recipient: "malou@exemple.fr",
			FromName: "Médiathèque des Tilleuls", ReplyTo: "contact@mediatheque.example.fr",
			Subject: "Votre inscription est confirmée", BodyText: "Bonjour Malou,\n\nVous êtes inscrite.\n",
			BodyHTML: "<p>Bonjour Malou,</p><p>Vous êtes inscrite.</p>", Calendar: string(invitation), CalendarMethod: "REQUEST",
		}, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		got := f.smtp.Messages()
		if len(got) != 1 {
			t.Fatalf("server received %d messages", len(got))
		}
		m := notifytest.ParseMail(t, got[0].Data)
		if m.ContentType != "multipart/mixed" {
			t.Errorf("Content-Type %s, want multipart/mixed", m.ContentType)
		}
		if want := []string{"text/plain", "text/html", "text/calendar"}; !slices.Equal(m.Alternatives, want) {
			t.Errorf("alternatives %v, want %v", m.Alternatives, want)
		}
		if m.CalendarMethod != "REQUEST" || m.Calendar != string(invitation) {
			t.Errorf("calendar part: method %q, %d bytes, same as sent: %v", m.CalendarMethod, len(m.Calendar), m.Calendar == string(invitation))
		}
		if len(m.Attachments) != 1 {
			t.Fatalf("%d attachments", len(m.Attachments))
		}
		a := m.Attachments[0]
		if a.Name != notify.CalendarFile || a.ContentType != "application/ics" || !bytes.Equal(a.Data, invitation) {
			t.Errorf("attachment %q %s, same as sent: %v", a.Name, a.ContentType, bytes.Equal(a.Data, invitation))
		}
		if norm(m.Text) != "Bonjour Malou,\n\nVous êtes inscrite." || !strings.Contains(m.HTML, "Vous êtes inscrite.") {
			t.Errorf("text %q, HTML %q", m.Text, m.HTML)
		}
	})

	t.Run("UnknownMethodIsPermanent", func(t *testing.T) {
		srv := notifytest.StartSMTP(t)
		m := signIn("malou@exemple.fr")
		m.Calendar, m.CalendarMethod = string(invitation), "REQUEST\r\nBcc: pirate@exemple.fr"
		if err := srv.Transport(t, notify.SMTPConfig{}).Send(context.Background(), m); !notify.IsPermanent(err) {
			t.Errorf("err = %v, want permanent", err)
		}
	})
}
