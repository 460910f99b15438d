package web

import "testing"

func TestFlashCodesOnly(t *testing.T) {
	registerFlash(map[string]string{"test-saved": "C'est enregistré."})
	if got := flashMessage("test-saved"); got != "C'est enregistré." {
		t.Errorf("flashMessage = %q", got)
	}
	if got := flashMessage("<script>alert(1)</script>"); got != "" {
		t.Errorf("an unknown code shows %q", got)
	}
	if got := flashURL("/manage?structure=a", "test-saved"); got != "/manage?structure=a&flash=test-saved" {
		t.Errorf("flashURL = %q", got)
	}
}
