package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
)

// TestAccountCommands runs user add, user list and token add against a fresh database
// with the demo territory, the way an operator's script would.
func TestAccountCommands(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(testdb.Name(d), func(t *testing.T) {
			dbURL := testdb.EmptyURL(t, d)
			env := envMap(map[string]string{"DATABASE_URL": dbURL, "ESCALE_BASE_URL": "https://agenda.example.fr", "ESCALE_LOG_FORMAT": "json"})
			run := func(args ...string) (string, string, error) {
				var stdout, stderr strings.Builder
				err := run(context.Background(), args, env, &stdout, &stderr)
				return stdout.String(), stderr.String(), err
			}
			must := func(args ...string) (string, string) {
				t.Helper()
				out, errOut, err := run(args...)
				if err != nil {
					t.Fatalf("%v: %v\n%s", args, err, errOut)
				}
				return out, errOut
			}
			must("demo")

			must("user", "add", "--email", "Coordination@Exemple.fr", "--role", "coordinator", "--name", "Alex Coordination")
			must("user", "add", "--email", "mediatrice@exemple.fr", "--role", "member", "--structure", "mediatheque-trois-maisons")
			must("user", "add", "--email", "mediatrice@exemple.fr", "--role", "professional", "--organisation", "CCAS de Nancy, pôle social")
			for _, bad := range [][]string{
				{"user", "add", "--email", "x@exemple.fr", "--role", "member"},
				{"user", "add", "--email", "x@exemple.fr", "--role", "member", "--structure", "nulle-part"},
				{"user", "add", "--email", "x@exemple.fr", "--role", "professional"},
				{"user", "add", "--email", "x@exemple.fr", "--role", "admin"},
				{"user", "add", "--email", "x@", "--role", "coordinator"},
				{"user", "add", "--email", "x@exemple.fr", "--role", "coordinator", "--territory", "ailleurs"},
				{"user", "remove"},
			} {
				if _, _, err := run(bad...); err == nil {
					t.Errorf("%v succeeded", bad)
				}
			}

			// The demo's orienting professionals (demo_enrollments.go) have their accounts too.
			out, _ := must("user", "list")
			var kept []string
			for _, line := range strings.SplitAfter(out, "\n") {
				if !strings.Contains(line, ".example.org\t") {
					kept = append(kept, line)
				}
			}
			if len(kept) != strings.Count(out, "\n")+1-len(demoPros) {
				t.Errorf("user list does not show the demo's %d professionals:\n%s", len(demoPros), out)
			}
			out = strings.Join(kept, "")
			want := "coordination@exemple.fr\tAlex Coordination\tactive\tcoordinator:territoire\n" +
				"mediatrice@exemple.fr\t\tactive\tmember:mediatheque-trois-maisons,professional:active:CCAS de Nancy  pôle social\n"
			if out != want {
				t.Errorf("user list:\n%q\nwant\n%q", out, want)
			}
			out, _ = must("user", "list", "--json")
			type person struct {
				Email string
				Roles []string
			}
			var people []person
			if err := json.Unmarshal([]byte(out), &people); err != nil || len(people) != 2+len(demoPros) {
				t.Errorf("user list --json: %v\n%s", err, out)
			}
			people = slices.DeleteFunc(people, func(p person) bool { return strings.HasSuffix(p.Email, ".example.org") })
			if len(people) != 2 || len(people[1].Roles) != 2 {
				t.Errorf("user list --json without the demo's professionals: %+v", people)
			}

			out, errOut := must("token", "add", "--email", "mediatrice@exemple.fr", "--name", "Export")
			if !regexp.MustCompile(`^esc_api_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
				t.Fatalf("token add wrote %q on stdout, want the token alone", out)
			}
			if errOut == "" {
				t.Error("token add said nothing on stderr")
			}
			if _, _, err := run("token", "add", "--email", "personne@exemple.fr"); err == nil {
				t.Error("a token for an unknown address")
			}

			target, _ := migrations.ParseURL(dbURL)
			db, err := migrations.OpenTarget(context.Background(), target)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			acc := accounts.NewService(db, workshops.NewService(db), "https://agenda.example.fr")
			p, err := acc.PrincipalByToken(context.Background(), accounts.TokenAPI, strings.TrimSpace(out))
			if err != nil || p.User.Email != "mediatrice@exemple.fr" || !p.MemberOf("mediatheque-trois-maisons") {
				t.Errorf("the printed token does not authenticate its account: %v", err)
			}
		})
	}
}

// TestFirstRunLink checks the console's first-run link: printed while nobody coordinates,
// a new one at each start, none once a coordinator exists.
func TestFirstRunLink(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(testdb.Name(d), func(t *testing.T) {
			db := testdb.New(t, d)
			acc := accounts.NewService(db, workshops.NewService(db), "https://agenda.example.fr")
			logger := slog.New(slog.NewTextHandler(io.Discard, nil))
			link := regexp.MustCompile(`https://agenda\.example\.fr/setup/[A-Za-z0-9_-]{43}`)
			var first, second strings.Builder
			if err := announceFirstRun(context.Background(), acc, &first, logger); err != nil {
				t.Fatal(err)
			}
			if err := announceFirstRun(context.Background(), acc, &second, logger); err != nil {
				t.Fatal(err)
			}
			a, b := link.FindString(first.String()), link.FindString(second.String())
			if a == "" || b == "" || a == b || !strings.Contains(first.String(), "Premier démarrage") {
				t.Fatalf("first-run links %q then %q in\n%s", a, b, first.String())
			}
			if _, err := acc.GrantRole(context.Background(), workshops.System, accounts.Grant{Email: "c@exemple.fr", Role: accounts.RoleCoordinator}); err != nil {
				t.Fatal(err)
			}
			var third strings.Builder
			if err := announceFirstRun(context.Background(), acc, &third, logger); err != nil || third.Len() != 0 {
				t.Errorf("printed %q once a coordinator exists (%v)", third.String(), err)
			}
		})
	}
}
