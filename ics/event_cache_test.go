package ics_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/workshops"
)

var site = ics.Site{BaseURL: "https://agenda.example.fr", Host: "agenda.example.fr"}

func vocabulary() *workshops.Vocabulary {
	return &workshops.Vocabulary{
		Levels: []workshops.Level{{Code: "debutant", Rank: 2, Label: "Débutant"}, {Code: "intermediaire", Rank: 3, Label: "Intermédiaire"}},
		Themes: []workshops.Theme{{Slug: "ludique", Label: "Ludique"}},
	}
}

func session(id int64, title string, modified time.Time) *workshops.Session {
	return &workshops.Session{
		ID: id, StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 8, Status: workshops.SessionScheduled,
		UpdatedAt: modified,
		Workshop: &workshops.Workshop{Title: title, LevelMin: "debutant", LevelMax: "intermediaire",
			Themes: []workshops.Theme{{Slug: "ludique", Label: "Ludique"}}, UpdatedAt: modified},
		Structure: &workshops.Structure{Slug: "mediatheque", Name: "Médiathèque", Town: "Nancy", UpdatedAt: modified},
	}
}

// encodeEvents writes a calendar of the events, as a feed does.
func encodeEvents(t *testing.T, events ...*ics.Event) []byte {
	t.Helper()
	c := ics.NewCalendar(ics.Publish)
	c.SetName("Essai")
	for _, e := range events {
		c.Add(e)
	}
	out, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, out.Body)
	return out.Body
}

func TestEventCache(t *testing.T) {
	voc := vocabulary()
	cached := func(c *ics.EventCache, s *workshops.Session, v *workshops.Vocabulary) *ics.Event {
		t.Helper()
		e, err := c.SessionEvent(s, v, site)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	t.Run("WritesWhatTheEncoderWrites", func(t *testing.T) {
		s := session(1, "Mon smartphone", start)
		direct := encodeEvents(t, ics.SessionEvent(s, voc, site))
		viaCache := encodeEvents(t, cached(ics.NewEventCache(10), s, voc))
		if !bytes.Equal(direct, viaCache) {
			t.Fatalf("cached event differs:\n%s\nvs\n%s", viaCache, direct)
		}
	})

	t.Run("ReusesAnUnchangedSession", func(t *testing.T) {
		c := ics.NewEventCache(10)
		first := encodeEvents(t, cached(c, session(1, "Mon smartphone", start), voc))
		// Another value of the same session (a later render reads it again).
		second := encodeEvents(t, cached(c, session(1, "Mon smartphone", start), voc))
		if !bytes.Equal(first, second) || c.Len() != 1 {
			t.Errorf("second render: equal %v, %d events held", bytes.Equal(first, second), c.Len())
		}
	})

	t.Run("ReencodesAChangedSession", func(t *testing.T) {
		c := ics.NewEventCache(10)
		cached(c, session(1, "Mon smartphone", start), voc)
		later := start.Add(time.Minute)
		body := encodeEvents(t, cached(c, session(1, "Ma tablette", later), voc))
		if got := property(t, body, "SUMMARY"); got != "SUMMARY:Ma tablette" {
			t.Errorf("after a change: %s", got)
		}
		moved := session(1, "Ma tablette", later)
		moved.StartsAt, moved.EndsAt = start.Add(24*time.Hour), start.Add(26*time.Hour)
		moved.Sequence = 1
		body = encodeEvents(t, cached(c, moved, voc))
		if got := property(t, body, "SEQUENCE"); got != "SEQUENCE:1" {
			t.Errorf("after a move: %s", got)
		}
	})

	t.Run("ReencodesWhenTheVocabularyIsRelabelled", func(t *testing.T) {
		c := ics.NewEventCache(10)
		s := session(1, "Mon smartphone", start)
		cached(c, s, voc)
		relabelled := vocabulary()
		relabelled.Levels[0].Label = "Premiers pas"
		s.Workshop.Themes[0].Label = "Jeux"
		body := encodeEvents(t, cached(c, s, relabelled))
		if !bytes.Contains(body, []byte("Premiers pas")) {
			t.Errorf("the new level label is missing:\n%s", body)
		}
	})

	t.Run("HoldsAtMostItsSize", func(t *testing.T) {
		c := ics.NewEventCache(3)
		for i := range int64(10) {
			cached(c, session(i+1, "Atelier", start), voc)
		}
		if c.Len() != 3 {
			t.Errorf("holds %d events, want 3", c.Len())
		}
	})
}
