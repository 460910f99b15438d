package workshops_test

import (
	"testing"
	"time"

	"github.com/escale-numerique/escale/workshops"
)

func TestFoldIgnoresCaseAccentsAndLigatures(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Démarches", "demarches"},
		{"DÉMARCHES EN LIGNE", "demarches en ligne"},
		{"Vandœuvre-lès-Nancy", "vandoeuvre-les-nancy"},
		{"Ça", "ca"},
		{"l’État", "l'etat"},
	}
	for _, tt := range tests {
		if got := workshops.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKeyAndSlugify(t *testing.T) {
	tests := []struct{ in, key, slug string }{
		{"Vandœuvre-lès-Nancy", "vandoeuvre les nancy", "vandoeuvre-les-nancy"},
		{"Atelier « Mon smartphone » !", "atelier mon smartphone", "atelier-mon-smartphone"},
		{"  ", "", "sans-titre"},
		{"<script>alert(1)</script>", "script alert 1 script", "script-alert-1-script"},
	}
	for _, tt := range tests {
		if got := workshops.Key(tt.in); got != tt.key {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.key)
		}
		if got := workshops.Slugify(tt.in); got != tt.slug {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.slug)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: "2026-03-29", want: "2026-03-29"},
		{in: " 2026-12-01 ", want: "2026-12-01"},
		{in: "2025-13-45", wantErr: true},
		{in: "2025-02-30", wantErr: true},
		{in: "2024-02-29", want: "2024-02-29"},
		{in: "29/03/2026", wantErr: true},
		{in: "1900-01-01", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := workshops.ParseDate(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseDate(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && got.String() != tt.want {
			t.Errorf("ParseDate(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParisTimeAcrossDaylightSaving(t *testing.T) {
	tests := []struct {
		name       string
		y          int
		m          time.Month
		d, h, min  int
		wantUTC    string
		wantExists bool
	}{
		{"winter", 2026, time.December, 1, 14, 0, "2026-12-01T13:00:00Z", true},
		{"summer", 2026, time.July, 1, 14, 0, "2026-07-01T12:00:00Z", true},
		{"spring forward day, afternoon", 2027, time.March, 28, 14, 0, "2027-03-28T12:00:00Z", true},
		{"spring forward day, morning before the change", 2027, time.March, 28, 1, 30, "2027-03-28T00:30:00Z", true},
		{"skipped hour does not exist", 2027, time.March, 28, 2, 30, "", false},
		{"fall back day, afternoon", 2026, time.October, 25, 14, 0, "2026-10-25T13:00:00Z", true},
		{"repeated hour takes the first", 2026, time.October, 25, 2, 30, "2026-10-25T00:30:00Z", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := workshops.ParisTime(tt.y, tt.m, tt.d, tt.h, tt.min)
			if ok != tt.wantExists {
				t.Fatalf("exists = %v, want %v", ok, tt.wantExists)
			}
			if ok && got.UTC().Format(time.RFC3339) != tt.wantUTC {
				t.Errorf("instant = %s, want %s", got.UTC().Format(time.RFC3339), tt.wantUTC)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := workshops.Cursor{StartsAt: time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC), ID: 42}
	got, err := workshops.ParseCursor(c.String())
	if err != nil || !got.StartsAt.Equal(c.StartsAt) || got.ID != c.ID {
		t.Fatalf("ParseCursor(%q) = %+v, %v", c.String(), got, err)
	}
	for _, bad := range []string{"", "abc", "12", "1.x", "-5.3", "1798000000.0", "99999999999.1"} {
		if _, err := workshops.ParseCursor(bad); err == nil {
			t.Errorf("ParseCursor(%q) accepted a bad cursor", bad)
		}
	}
}
