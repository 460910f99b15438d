package web

import "testing"

func TestLoggedPathHidesPrivateFeedSecrets(t *testing.T) {
	for path, want := range map[string]string{
		"/feeds/private/esc_feed_abcdef.ics":  "/feeds/private/…",
		"/calendar.ics":                       "/calendar.ics",
		"/manage/sessions/3":                  "/manage/sessions/3",
		"/c/2s-AbCdEfGhIjKlMnOpQrStUv/cancel": "/c/…",
		"/c/2s-AbCdEfGhIjKlMnOpQrStUv.ics":    "/c/…",
	} {
		if got := loggedPath(path); got != want {
			t.Errorf("loggedPath(%q) = %q, want %q", path, got, want)
		}
	}
}
