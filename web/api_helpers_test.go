package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
)

// apiSpec is the OpenAPI document of the API, parsed once, with a validator in strict
// mode: a response field the document does not declare is an error, as is a declared
// required field that is missing or a value of the wrong format.
var apiSpec = sync.OnceValues(func() (validator.Validator, error) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, err
	}
	v, errs := validator.NewValidator(doc, config.WithStrictMode(), config.WithFormatAssertions(),
		// The site's security headers (headers.go) are on every response, not part of the API.
		config.WithStrictIgnoredHeadersExtra(securityHeaderNames...))
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return v, nil
})

// securityHeaderNames are the headers helmet sets on every response.
var securityHeaderNames = []string{
	"content-security-policy", "cross-origin-embedder-policy", "cross-origin-opener-policy",
	"cross-origin-resource-policy", "origin-agent-cluster", "permissions-policy", "referrer-policy",
	"strict-transport-security", "x-content-type-options", "x-dns-prefetch-control", "x-download-options",
	"x-frame-options", "x-permitted-cross-domain-policies", "x-xss-protection",
}

// sub returns the environment for a subtest, so that failures are reported there.
func (e *env) sub(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// api sends a GET to the API, checks the response against the OpenAPI document (and the
// request too when it succeeds: every parameter that works is documented), and returns
// the response with its body.
func (e *env) api(path string, headers ...string) (*http.Response, []byte) {
	e.t.Helper()
	return e.apiCheck(path, true, headers...)
}

func (e *env) apiCheck(path string, checkRequest bool, headers ...string) (*http.Response, []byte) {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, body := e.do(req)
	checkAgainstSpec(e.t, req, resp, []byte(body), checkRequest)
	return resp, []byte(body)
}

// apiJSON is api for a response expected with status want, decoded into dst.
func (e *env) apiJSON(path string, want int, dst any) []byte {
	e.t.Helper()
	return e.decode(path, want, dst, true)
}

// apiJSONUndocumented is apiJSON for a request that carries parameters the endpoint
// ignores, which the document does not list.
func (e *env) apiJSONUndocumented(path string, want int, dst any) []byte {
	e.t.Helper()
	return e.decode(path, want, dst, false)
}

func (e *env) decode(path string, want int, dst any, checkRequest bool) []byte {
	e.t.Helper()
	resp, body := e.apiCheck(path, checkRequest)
	if resp.StatusCode != want {
		e.t.Fatalf("GET %s = %d, want %d: %s", path, resp.StatusCode, want, body)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		e.t.Fatalf("GET %s: decode: %v\n%s", path, err, body)
	}
	return body
}

// checkAgainstSpec validates a real response (status, content type, body) and, when
// checkRequest is set and the response succeeded, its request against the OpenAPI
// document.
func checkAgainstSpec(t *testing.T, req *http.Request, resp *http.Response, body []byte, checkRequest bool) {
	t.Helper()
	v, err := apiSpec()
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	copyResp := &http.Response{
		StatusCode: resp.StatusCode,
		Header:     resp.Header.Clone(),
		Body:       nopCloser{bytes.NewReader(body)},
		Request:    req,
	}
	if checkRequest && resp.StatusCode < 300 {
		if ok, errs := v.ValidateHttpRequest(req); !ok {
			for _, e := range errs {
				t.Errorf("%s %s: request does not match openapi.json: %v", req.Method, req.URL, e)
			}
		}
	}
	if ok, errs := v.ValidateHttpResponse(req, copyResp); !ok {
		var b strings.Builder
		for _, e := range errs {
			b.WriteString("\n  - " + e.Error())
			for _, f := range e.SchemaValidationErrors {
				b.WriteString("\n      " + f.Error())
			}
		}
		t.Errorf("%s %s (%d) does not match openapi.json:%s\n%s", req.Method, req.URL, resp.StatusCode, b.String(), body)
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// localPath turns an absolute link of the API into the path and query to request.
func localPath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(link, baseURL+"/") {
		t.Fatalf("link %q is not an absolute URL of %s", link, baseURL)
	}
	return u.RequestURI()
}

// indentJSON pretty-prints a body for golden files.
func indentJSON(t *testing.T, body []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, body, "", "  "); err != nil {
		t.Fatalf("indent: %v\n%s", err, body)
	}
	return b.Bytes()
}

// problem is the decoded body of an error response.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Name   string `json:"name"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

// names returns the parameter names a problem document points at.
func (p problem) names() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Name)
	}
	return out
}
