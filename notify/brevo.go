package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Brevo's transactional SMS API, as documented by Brevo (developers.brevo.com):
//
//   - "Send SMS message to a mobile number" (docs/transactional-sms-endpoints):
//     POST https://api.brevo.com/v3/transactionalSMS/send with the headers api-key,
//     accept: application/json and content-type: application/json, and a JSON body of
//     sender ("limited to 11 for alphanumeric characters"), recipient ("mobile number …
//     with the country code", written without the plus: "33689965433"), content, type
//     ("transactional" or "marketing"), and optionally tag, unicodeEnabled, webUrl.
//   - The changelog of 2025-05-01 ("Deprecated Endpoint: POST /v3/transactionalSMS/sms"):
//     the former /transactionalSMS/sms is deprecated in favour of /transactionalSMS/send,
//     whose 201 answer is {"messageId": 1511882900176220}.
//   - "Key concepts" (docs/how-it-works): errors are {"code": "invalid_parameter",
//     "message": "…"} with 400 bad request, 401 authentication needed, 402 not enough
//     credit, 403 permission denied, 404, 405, 406, 422, and 429 when rate-limited.

// BrevoURL is the base address of Brevo's API.
const BrevoURL = "https://api.brevo.com/v3"

// BrevoConfig says how Escale sends SMS through Brevo.
type BrevoConfig struct {
	// APIKey is the account's API key (SMTP & API settings, "xkeysib-…").
	APIKey string
	// Sender is the name shown as the SMS's sender: 3 to 11 letters or digits, with at
	// least one letter (see CheckSMSSender).
	Sender string
	// BaseURL is BrevoURL when empty (tests point it at their own server).
	BaseURL string
	// Tag labels Escale's messages in Brevo's statistics ("escale" when empty).
	Tag string
	// Timeout bounds one request (30s).
	Timeout time.Duration
	// Client is the HTTP client (a new one when nil).
	Client *http.Client
}

// Brevo sends SMS with Brevo's transactional SMS API, a French provider (formerly
// Sendinblue) used by many public bodies and associations.
type Brevo struct {
	cfg      BrevoConfig
	endpoint string
}

// NewBrevo checks cfg and returns the sender; it returns an error when the API key is
// missing or the sender name is not one Brevo accepts.
func NewBrevo(cfg BrevoConfig) (*Brevo, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, errors.New("Brevo: no API key")
	}
	if err := CheckSMSSender(cfg.Sender); err != nil {
		return nil, err
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = BrevoURL
	}
	if cfg.Tag == "" {
		cfg.Tag = "escale"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	return &Brevo{cfg: cfg, endpoint: strings.TrimRight(cfg.BaseURL, "/") + "/transactionalSMS/send"}, nil
}

// CheckSMSSender returns an error unless name is an alphanumeric SMS sender: 3 to 11 ASCII
// letters or digits, at least one a letter. Brevo refuses spaces and accents, and French
// operators refuse an all-digit name, which would look like a phone number.
func CheckSMSSender(name string) error {
	letters := 0
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters++
		case r >= '0' && r <= '9':
		default:
			return fmt.Errorf("SMS sender %q: only letters and digits, without accents or spaces", name)
		}
	}
	if len(name) < 3 || len(name) > 11 || letters == 0 {
		return fmt.Errorf("SMS sender %q: 3 to 11 letters or digits, at least one a letter (for example EscaleNancy)", name)
	}
	return nil
}

// brevoRequest is the body of POST /transactionalSMS/send.
type brevoRequest struct {
	Sender         string `json:"sender"`
	Recipient      string `json:"recipient"`
	Content        string `json:"content"`
	Type           string `json:"type"`
	Tag            string `json:"tag,omitempty"`
	UnicodeEnabled bool   `json:"unicodeEnabled"`
}

// SendSMS sends text to the E.164 number to and returns Brevo's messageId. Brevo's
// refusal of the request (400 or 422: an invalid number, a sender it does not accept),
// of the API key (401) or of the account's rights (403), and any other 4xx, are
// permanent; a lack of credit (402), a rate limit (429), a server error (5xx), a timeout
// or a connection that fails are temporary. The error carries Brevo's code and message.
func (b *Brevo) SendSMS(ctx context.Context, to, text string) (string, error) {
	body, err := json.Marshal(brevoRequest{
		Sender: b.cfg.Sender, Recipient: strings.TrimPrefix(to, "+"), Content: text,
		Type: "transactional", Tag: b.cfg.Tag, UnicodeEnabled: !IsGSM7(text),
	})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", Permanent(fmt.Errorf("configuration Brevo : %w", err))
	}
	req.Header.Set("api-key", b.cfg.APIKey)
	req.Header.Set("accept", "application/json")
	req.Header.Set("content-type", "application/json")
	res, err := b.cfg.Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("Brevo injoignable : %s", oneLine(err))
	}
	defer res.Body.Close()
	// Providers' answers are short; a long one is cut rather than read whole.
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		// Accepted: sending again would send twice, so an unreadable answer only costs
		// the reference.
		var ok struct {
			MessageID json.Number `json:"messageId"`
		}
		if err == nil && json.Unmarshal(raw, &ok) == nil {
			return ok.MessageID.String(), nil
		}
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("Brevo : réponse %d interrompue : %s", res.StatusCode, oneLine(err))
	}
	return "", brevoError(res.StatusCode, raw)
}

// brevoError describes a refusal with Brevo's own code and message, and classifies it.
func brevoError(status int, raw []byte) error {
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	reply := strings.TrimSpace(string(raw))
	if json.Unmarshal(raw, &e) == nil && (e.Code != "" || e.Message != "") {
		reply = strings.TrimSpace(e.Code + " " + e.Message)
	}
	reply = strings.Join(strings.Fields(reply), " ")
	if reply == "" {
		reply = http.StatusText(status)
	}
	detail := fmt.Sprintf("%d %s", status, truncate(reply, 300))
	switch {
	case status == http.StatusUnauthorized:
		return Permanent(fmt.Errorf("clé d'API Brevo refusée (%s) : vérifiez ESCALE_SMS_API_KEY", detail))
	case status == http.StatusForbidden:
		return Permanent(fmt.Errorf("Brevo refuse l'envoi de SMS à ce compte (%s)", detail))
	case status == http.StatusPaymentRequired:
		return fmt.Errorf("crédits SMS Brevo épuisés (%s)", detail)
	case status == http.StatusTooManyRequests, status == http.StatusRequestTimeout, status >= 500:
		return fmt.Errorf("Brevo momentanément indisponible (%s)", detail)
	}
	return Permanent(fmt.Errorf("SMS refusé par Brevo (%s)", detail))
}
