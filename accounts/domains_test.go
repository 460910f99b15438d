package accounts_test

import (
	"strings"
	"testing"

	"github.com/escale-numerique/escale/accounts"
)

func TestNormalizeDomain(t *testing.T) {
	for in, want := range map[string]string{
		"ccas-nancy.fr": "ccas-nancy.fr", " CCAS-Nancy.FR ": "ccas-nancy.fr", "mairie.vandoeuvre.fr": "mairie.vandoeuvre.fr",
		"xn--mairie-pinal-gcb.fr": "xn--mairie-pinal-gcb.fr",
	} {
		if got, err := accounts.NormalizeDomain(in); err != nil || got != want {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "agent@ccas-nancy.fr", "@ccas-nancy.fr", "ccas-nancy", "https://ccas-nancy.fr", "ccas nancy.fr",
		"-ccas.fr", "ccas-.fr", "ccas..fr", ".fr", "mairie-épinal.fr", "ccas.f", strings.Repeat("a", 64) + ".fr", strings.Repeat("a.", 130) + "fr"} {
		if got, err := accounts.NormalizeDomain(bad); err == nil {
			t.Errorf("NormalizeDomain(%q) = %q, want an error", bad, got)
		}
	}
}
