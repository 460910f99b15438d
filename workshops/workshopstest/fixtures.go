// Package workshopstest builds calendar fixtures for tests through the workshops service's
// public API, filling valid defaults so that each test states only what it cares about.
package workshopstest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/escale-numerique/escale/workshops"
)

var seq atomic.Int64

func ptr[T any](v T) *T { return &v }

// Structure creates an active structure in Nancy, after applying edit to the defaults.
func Structure(t testing.TB, svc *workshops.Service, edit func(*workshops.Structure)) *workshops.Structure {
	t.Helper()
	n := seq.Add(1)
	st := &workshops.Structure{
		Name:         fmt.Sprintf("Médiathèque d'essai %d", n),
		Kind:         "mediatheque",
		Address:      "3 rue des Tilleuls",
		Postcode:     "54000",
		Town:         "Nancy",
		Latitude:     ptr(48.6921),
		Longitude:    ptr(6.1844),
		Phone:        "03 83 00 00 00",
		Email:        "contact@mediatheque.example.fr",
		OpeningHours: "Du mardi au samedi, de 10 h à 18 h",
		Labels:       workshops.List{"conseillers-numeriques"},
	}
	if edit != nil {
		edit(st)
	}
	if err := svc.CreateStructure(context.Background(), workshops.System, st); err != nil {
		t.Fatalf("create structure: %v", err)
	}
	return st
}

// Workshop creates a published workshop of a structure (a new one when st is nil), for
// levels débutant to intermédiaire, theme "prise-en-main", after applying edit.
func Workshop(t testing.TB, svc *workshops.Service, st *workshops.Structure, edit func(*workshops.Workshop)) *workshops.Workshop {
	t.Helper()
	if st == nil {
		st = Structure(t, svc, nil)
	}
	n := seq.Add(1)
	w := &workshops.Workshop{
		StructureID:            st.ID,
		Title:                  fmt.Sprintf("Prendre en main son smartphone %d", n),
		Summary:                "Les gestes de base, pas à pas.",
		Description:            "Allumer, déverrouiller, appeler, envoyer un message.",
		LevelMin:               "debutant",
		LevelMax:               "intermediaire",
		ThemeSlugs:             []string{"prise-en-main"},
		DefaultCapacity:        8,
		DefaultDurationMinutes: 120,
		DevicesToBring:         workshops.List{"smartphone"},
		WhatToBring:            "Votre smartphone chargé.",
	}
	if edit != nil {
		edit(w)
	}
	if err := svc.CreateWorkshop(context.Background(), workshops.System, w); err != nil {
		t.Fatalf("create workshop: %v", err)
	}
	w.Structure = st
	return w
}

// Session creates one session of a workshop (a new one when w is nil) starting at start
// (Europe/Paris wall-clock time is the caller's business) and lasting two hours, after
// applying edit.
func Session(t testing.TB, svc *workshops.Service, w *workshops.Workshop, start time.Time, edit func(*workshops.Session)) *workshops.Session {
	t.Helper()
	if w == nil {
		w = Workshop(t, svc, nil, nil)
	}
	s := &workshops.Session{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 8, Animator: "Camille"}
	if edit != nil {
		edit(s)
	}
	if err := svc.CreateSessions(context.Background(), workshops.System, w.ID, []*workshops.Session{s}); err != nil {
		t.Fatalf("create session: %v", err)
	}
	return s
}

// Paris returns the instant of a Europe/Paris wall-clock time, failing the test if that
// time does not exist.
func Paris(t testing.TB, year int, month time.Month, day, hour, minute int) time.Time {
	t.Helper()
	tm, ok := workshops.ParisTime(year, month, day, hour, minute)
	if !ok {
		t.Fatalf("%04d-%02d-%02d %02d:%02d does not exist in Europe/Paris", year, month, day, hour, minute)
	}
	return tm
}

// Clock is a settable clock for tests.
type Clock struct{ t atomic.Int64 }

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.Set(t)
	return c
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return time.Unix(0, c.t.Load()).UTC() }

// Set sets the clock's time.
func (c *Clock) Set(t time.Time) { c.t.Store(t.UnixNano()) }

// Add moves the clock forward.
func (c *Clock) Add(d time.Duration) { c.t.Add(int64(d)) }
