package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/escale-numerique/escale/notify"
)

const testBrevoKey = "xkeysib-0123456789abcdef-TEST"

// brevoCall is one request the fake Brevo received, already checked against the
// documented shape: its JSON body.
type brevoCall map[string]any

// brevoReply is what the fake Brevo answers: a status and a raw body, after an optional
// delay.
type brevoReply struct {
	status int
	body   string
	delay  time.Duration
}

// fakeBrevo is a local HTTP server that checks each request exactly as Brevo's
// documentation describes POST /v3/transactionalSMS/send, keeps its body, and answers as
// the test decides (by default 201 with a messageId).
type fakeBrevo struct {
	t   *testing.T
	srv *httptest.Server

	mu    sync.Mutex
	calls []brevoCall
	reply func(call brevoCall) brevoReply
}

func startBrevo(t *testing.T) *fakeBrevo {
	t.Helper()
	f := &fakeBrevo{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeBrevo) serve(w http.ResponseWriter, r *http.Request) {
	t := f.t
	if r.Method != http.MethodPost || r.URL.Path != "/v3/transactionalSMS/send" || r.URL.RawQuery != "" {
		t.Errorf("request %s %s, want POST /v3/transactionalSMS/send", r.Method, r.URL)
	}
	for name, want := range map[string]string{"Api-Key": testBrevoKey, "Accept": "application/json", "Content-Type": "application/json"} {
		if got := r.Header.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("read body: %v", err)
	}
	var call brevoCall
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&call); err != nil {
		t.Errorf("body %q is not a JSON object: %v", raw, err)
	}
	// Only documented fields, each of its documented type.
	types := map[string]string{"sender": "string", "recipient": "string", "content": "string", "type": "string", "tag": "string", "unicodeEnabled": "bool"}
	for _, required := range []string{"sender", "recipient", "content"} {
		if _, ok := call[required]; !ok {
			t.Errorf("body %s lacks %s", raw, required)
		}
	}
	for k, v := range call {
		switch types[k] {
		case "string":
			if _, ok := v.(string); !ok {
				t.Errorf("%s = %v, want a string", k, v)
			}
		case "bool":
			if _, ok := v.(bool); !ok {
				t.Errorf("%s = %v, want a boolean", k, v)
			}
		default:
			t.Errorf("undocumented field %s in %s", k, raw)
		}
	}
	if s, _ := call["sender"].(string); len(s) < 3 || len(s) > 11 {
		t.Errorf("sender %q: Brevo wants 3 to 11 characters", s)
	}
	if typ, _ := call["type"].(string); typ != "transactional" && typ != "marketing" {
		t.Errorf("type %q", typ)
	}

	f.mu.Lock()
	f.calls = append(f.calls, call)
	rep := brevoReply{status: http.StatusCreated, body: `{"messageId":1511882900176220}`}
	if f.reply != nil {
		rep = f.reply(call)
	}
	f.mu.Unlock()
	if rep.delay > 0 {
		select {
		case <-time.After(rep.delay):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

// answer makes the server answer with reply from now on; reply runs under the server's
// lock, one request at a time.
func (f *fakeBrevo) answer(reply func(call brevoCall) brevoReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reply = reply
}

func (f *fakeBrevo) received() []brevoCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]brevoCall(nil), f.calls...)
}

// sender returns a Brevo sender pointed at this server.
func (f *fakeBrevo) sender(t *testing.T) *notify.Brevo {
	t.Helper()
	b, err := notify.NewBrevo(notify.BrevoConfig{APIKey: testBrevoKey, Sender: "EscaleNancy", BaseURL: f.srv.URL + "/v3", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBrevoSends(t *testing.T) {
	f := startBrevo(t)
	b := f.sender(t)
	ctx := context.Background()

	ref, err := b.SendSMS(ctx, "+33612345678", "Bonjour Camille, à mardi 14 h. Annuler : https://esc.fr/c/Ab3")
	if err != nil || ref != "1511882900176220" {
		t.Fatalf("SendSMS = %q, %v; want Brevo's messageId", ref, err)
	}
	// A UCS-2 text (the handler transliterates, but the sender stays right on its own).
	if _, err := b.SendSMS(ctx, "+590690001122", "Фёдор"); err != nil {
		t.Fatal(err)
	}
	got := f.received()
	want := []brevoCall{{
		"sender": "EscaleNancy", "recipient": "33612345678", "type": "transactional", "tag": "escale",
		"content": "Bonjour Camille, à mardi 14 h. Annuler : https://esc.fr/c/Ab3", "unicodeEnabled": false,
	}, {
		"sender": "EscaleNancy", "recipient": "590690001122", "type": "transactional", "tag": "escale",
		"content": "Фёдор", "unicodeEnabled": true,
	}}
	if len(got) != len(want) {
		t.Fatalf("Brevo received %d requests, want %d", len(got), len(want))
	}
	for i := range want {
		if !maps.Equal(got[i], want[i]) {
			t.Errorf("request %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestBrevoFailures(t *testing.T) {
	f := startBrevo(t)
	b := f.sender(t)
	for _, tt := range []struct {
		name      string
		reply     brevoReply
		permanent bool
		want      []string
	}{
		{"InvalidNumber", brevoReply{status: 400, body: `{"code":"invalid_parameter","message":"Invalid phone number"}`},
			true, []string{"SMS refusé par Brevo", "400 invalid_parameter Invalid phone number"}},
		{"InvalidSender", brevoReply{status: 400, body: `{"code":"invalid_parameter","message":"Only alphanumeric characters are allowed"}`},
			true, []string{"Only alphanumeric characters are allowed"}},
		{"Unprocessable", brevoReply{status: 422, body: `{"code":"unprocessable_entity","message":"content is empty"}`},
			true, []string{"422 unprocessable_entity content is empty"}},
		{"KeyRefused", brevoReply{status: 401, body: `{"code":"unauthorized","message":"Key not found"}`},
			true, []string{"clé d'API Brevo refusée", "401 unauthorized Key not found", "ESCALE_SMS_API_KEY"}},
		{"PermissionDenied", brevoReply{status: 403, body: `{"code":"permission_denied","message":"SMS are not activated for this account"}`},
			true, []string{"403 permission_denied"}},
		{"WrongBaseURL", brevoReply{status: 404, body: `{"code":"document_not_found","message":"Not found"}`},
			true, []string{"404 document_not_found"}},
		{"NoCredit", brevoReply{status: 402, body: `{"code":"not_enough_credits","message":"Not enough credits"}`},
			false, []string{"crédits SMS Brevo épuisés", "402 not_enough_credits"}},
		{"RateLimited", brevoReply{status: 429, body: `{"code":"too_many_requests","message":"Rate limit exceeded"}`},
			false, []string{"429 too_many_requests"}},
		{"ServerError", brevoReply{status: 500, body: `{"code":"internal_error","message":"Internal error"}`},
			false, []string{"Brevo momentanément indisponible", "500 internal_error Internal error"}},
		{"GatewayHTML", brevoReply{status: 502, body: "<html>\n<body>502 Bad Gateway</body>\n</html>"},
			false, []string{"502 <html> <body>502 Bad Gateway</body> </html>"}},
		{"EmptyBody", brevoReply{status: 503},
			false, []string{"503 Service Unavailable"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f.answer(func(brevoCall) brevoReply { return tt.reply })
			ref, err := b.SendSMS(context.Background(), "+33612345678", "Bonjour")
			if err == nil || ref != "" {
				t.Fatalf("SendSMS = %q, %v; want a failure", ref, err)
			}
			if notify.IsPermanent(err) != tt.permanent {
				t.Errorf("permanent = %v, want %v (%v)", notify.IsPermanent(err), tt.permanent, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), testBrevoKey) {
				t.Errorf("error %q shows the API key", err)
			}
		})
	}

	t.Run("AcceptedWithoutReadableAnswer", func(t *testing.T) {
		// Sending again would send twice: an accepted request is a success.
		f.answer(func(brevoCall) brevoReply { return brevoReply{status: 201, body: "ok"} })
		if ref, err := b.SendSMS(context.Background(), "+33612345678", "Bonjour"); err != nil || ref != "" {
			t.Errorf("SendSMS = %q, %v; want a success without reference", ref, err)
		}
	})
	t.Run("Timeout", func(t *testing.T) {
		f.answer(func(brevoCall) brevoReply { return brevoReply{status: 201, body: "{}", delay: 5 * time.Second} })
		slow, err := notify.NewBrevo(notify.BrevoConfig{APIKey: testBrevoKey, Sender: "EscaleNancy", BaseURL: f.srv.URL + "/v3", Timeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		_, err = slow.SendSMS(context.Background(), "+33612345678", "Bonjour")
		if err == nil || notify.IsPermanent(err) || !strings.Contains(err.Error(), "Brevo injoignable") {
			t.Errorf("timeout: %v, want a temporary failure", err)
		}
	})
	t.Run("ConnectionRefused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		down, err := notify.NewBrevo(notify.BrevoConfig{APIKey: testBrevoKey, Sender: "EscaleNancy", BaseURL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = down.SendSMS(context.Background(), "+33612345678", "Bonjour")
		if err == nil || notify.IsPermanent(err) || !strings.Contains(err.Error(), "Brevo injoignable") {
			t.Errorf("server down: %v, want a temporary failure", err)
		}
	})
}

func TestNewBrevoChecksItsConfiguration(t *testing.T) {
	if _, err := notify.NewBrevo(notify.BrevoConfig{Sender: "EscaleNancy"}); err == nil {
		t.Error("accepted no API key")
	}
	for _, tt := range []struct {
		sender string
		ok     bool
	}{
		{"Escale", true}, {"EscaleNancy", true}, {"CCAS54", true}, {"abc", true},
		{"", false}, {"ab", false}, {"EscaleNancy1", false}, {"Escale Nancy", false},
		{"Médiathèque", false}, {"0612345678", false}, {"Escale-54", false},
	} {
		err := notify.CheckSMSSender(tt.sender)
		if (err == nil) != tt.ok {
			t.Errorf("CheckSMSSender(%q) = %v, want ok %v", tt.sender, err, tt.ok)
		}
		if _, err := notify.NewBrevo(notify.BrevoConfig{APIKey: testBrevoKey, Sender: tt.sender}); (err == nil) != tt.ok {
			t.Errorf("NewBrevo with sender %q = %v, want ok %v", tt.sender, err, tt.ok)
		}
	}
}
