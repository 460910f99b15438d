package accounts_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

type env struct {
	ws    *workshops.Service
	acc   *accounts.Service
	clock *wt.Clock
}

func newEnv(t *testing.T, db *bun.DB) env {
	clock := wt.NewClock(now)
	ws := workshops.NewService(db, workshops.WithClock(clock.Now))
	return env{ws: ws, clock: clock,
		acc: accounts.NewService(db, ws, "https://agenda.example.fr", accounts.WithClock(clock.Now), accounts.WithHashParams(accounts.FastHashParams))}
}

func isValidation(err error, field string) bool {
	var ve *workshops.ValidationError
	return errors.As(err, &ve) && ve.Fields[field] != ""
}

func TestUsersAndRoles(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.ws, nil)
		u, err := e.acc.CreateUser(ctx, workshops.System, accounts.NewUser{
			Email: "  Camille.Martin@Exemple.FR ", Name: "Camille Martin", Password: "une phrase assez longue",
			CoordinatorOf: []int64{st.TerritoryID}, MemberOf: []int64{st.ID},
		})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "camille.martin@exemple.fr" {
			t.Errorf("email stored as %q", u.Email)
		}
		// The same email again adds roles to the same account.
		again, err := e.acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "camille.martin@exemple.fr",
			Organisation: "CCAS de Nancy", ProfessionalTerritory: st.TerritoryID})
		if err != nil || again.ID != u.ID {
			t.Fatalf("second CreateUser: %v, %v", again, err)
		}
		p, err := e.acc.Principal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Coordinator() || !p.Member() || !p.OrientingProfessional() || !p.MemberOf(st.Slug) {
			t.Errorf("roles: %+v", p)
		}
		a := p.Actor()
		if !a.MayManage(st) || !slices.Equal(a.Structures, []int64{st.ID}) || a.Name != "Camille Martin" || !a.Professional {
			t.Errorf("actor: %+v", a)
		}
		list, err := e.acc.Users(ctx)
		if err != nil || len(list) != 1 || len(list[0].Roles) != 3 {
			t.Errorf("Users() = %+v, %v", list, err)
		}

		for _, tt := range []struct {
			name  string
			nu    accounts.NewUser
			field string
		}{
			{"BadEmail", accounts.NewUser{Email: "camille@"}, "email"},
			{"ShortPassword", accounts.NewUser{Email: "a@exemple.fr", Password: "court"}, "password"},
			{"DigitsOnly", accounts.NewUser{Email: "a@exemple.fr", Password: "123456789012345"}, "password"},
			{"PasswordIsEmail", accounts.NewUser{Email: "longue.adresse@exemple.fr", Password: "longue.adresse@exemple.fr"}, "password"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := e.acc.CreateUser(ctx, workshops.System, tt.nu); !isValidation(err, tt.field) {
					t.Errorf("err = %v, want a message on %s", err, tt.field)
				}
			})
		}
	})
}

func TestPasswordsAndStatus(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u, err := e.acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "dominique@exemple.fr", Password: "une phrase assez longue"})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := e.acc.Authenticate(ctx, "Dominique@exemple.fr", "une phrase assez longue"); err != nil || got.ID != u.ID {
			t.Errorf("right password: %v", err)
		}
		for _, tt := range [][2]string{{"dominique@exemple.fr", "mauvais mot de passe"}, {"personne@exemple.fr", "une phrase assez longue"}} {
			if _, err := e.acc.Authenticate(ctx, tt[0], tt[1]); !errors.Is(err, accounts.ErrBadCredentials) {
				t.Errorf("%v: %v, want ErrBadCredentials", tt, err)
			}
		}
		if err := e.acc.SetPassword(ctx, u.ID, "court"); !isValidation(err, "password") {
			t.Errorf("weak password: %v", err)
		}
		before, _ := e.acc.Principal(ctx, u.ID)
		if err := e.acc.SetPassword(ctx, u.ID, "un autre mot de passe"); err != nil {
			t.Fatal(err)
		}
		after, _ := e.acc.Principal(ctx, u.ID)
		if after.User.SessionEpoch == before.User.SessionEpoch {
			t.Error("changing the password did not end the other sessions")
		}
		if _, err := e.acc.Authenticate(ctx, "dominique@exemple.fr", "un autre mot de passe"); err != nil {
			t.Errorf("new password: %v", err)
		}

		member := workshops.Actor{Name: "Membre", Structures: []int64{1}}
		if err := e.acc.SetStatus(ctx, member, u.ID, accounts.UserDisabled); !errors.Is(err, workshops.ErrForbidden) {
			t.Errorf("a member disables an account: %v", err)
		}
		if err := e.acc.SetStatus(ctx, workshops.System, u.ID, accounts.UserDisabled); err != nil {
			t.Fatal(err)
		}
		if _, err := e.acc.Principal(ctx, u.ID); !errors.Is(err, accounts.ErrDisabled) {
			t.Errorf("Principal of a disabled account: %v", err)
		}
		if _, err := e.acc.Authenticate(ctx, "dominique@exemple.fr", "un autre mot de passe"); !errors.Is(err, accounts.ErrDisabled) {
			t.Errorf("a disabled account signs in: %v", err)
		}
	})
}

func TestOneTimeLinks(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u, _ := e.acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "lien@exemple.fr"})
		issue := func() string {
			tok, err := e.acc.IssueLink(ctx, db, accounts.Link{Purpose: accounts.PurposeSignIn, UserID: u.ID}, accounts.LinkTTL)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}

		tok := issue()
		if _, err := e.acc.PeekLink(ctx, accounts.PurposeSignIn, tok); err != nil {
			t.Errorf("peek: %v", err)
		}
		if _, err := e.acc.PeekLink(ctx, accounts.PurposeReset, tok); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("a sign-in link used as a reset link: %v", err)
		}
		got, err := e.acc.SignInWithLink(ctx, tok)
		if err != nil || got.ID != u.ID {
			t.Fatalf("sign in: %v", err)
		}
		if _, err := e.acc.SignInWithLink(ctx, tok); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("second use: %v", err)
		}

		expired := issue()
		e.clock.Add(accounts.LinkTTL + time.Second)
		if _, err := e.acc.SignInWithLink(ctx, expired); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("expired link: %v", err)
		}

		raced := issue()
		var wg sync.WaitGroup
		wins := make(chan int64, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if u, err := e.acc.SignInWithLink(ctx, raced); err == nil {
					wins <- u.ID
				}
			}()
		}
		wg.Wait()
		close(wins)
		if n := len(wins); n != 1 {
			t.Errorf("a link used by 8 requests at once opened %d sessions, want 1", n)
		}
	})
}

func TestTokens(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u, _ := e.acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "script@exemple.fr"})
		secret, tok, err := e.acc.CreateToken(ctx, u.ID, accounts.TokenAPI, "Export du lundi")
		if err != nil {
			t.Fatal(err)
		}
		if p, err := e.acc.PrincipalByToken(ctx, accounts.TokenAPI, secret); err != nil || p.User.ID != u.ID {
			t.Errorf("PrincipalByToken: %v", err)
		}
		if _, err := e.acc.PrincipalByToken(ctx, accounts.TokenFeed, secret); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("an API token used as a feed token: %v", err)
		}
		list, _ := e.acc.Tokens(ctx, u.ID, accounts.TokenAPI)
		if len(list) != 1 || list[0].LastUsedAt == nil || list[0].TokenHash == secret {
			t.Errorf("tokens: %+v", list)
		}
		if err := e.acc.RevokeToken(ctx, u.ID+1, tok.ID); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("revoking someone else's token: %v", err)
		}
		if err := e.acc.RevokeToken(ctx, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.acc.PrincipalByToken(ctx, accounts.TokenAPI, secret); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("revoked token: %v", err)
		}
		first, _, _ := e.acc.CreateToken(ctx, u.ID, accounts.TokenFeed, "")
		second, _, _ := e.acc.CreateToken(ctx, u.ID, accounts.TokenFeed, "")
		if _, err := e.acc.PrincipalByToken(ctx, accounts.TokenFeed, first); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("a replaced feed token still works: %v", err)
		}
		if _, err := e.acc.PrincipalByToken(ctx, accounts.TokenFeed, second); err != nil {
			t.Errorf("new feed token: %v", err)
		}
	})
}

func TestStorage(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		sessions, limits := e.acc.NewStorage("session"), e.acc.NewStorage("ratelimit")
		if err := sessions.Set("k", []byte("v1"), time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := sessions.Set("k", []byte("v2"), time.Minute); err != nil {
			t.Fatal(err)
		}
		if v, _ := sessions.Get("k"); string(v) != "v2" {
			t.Errorf("Get = %q", v)
		}
		if v, _ := limits.Get("k"); v != nil {
			t.Errorf("namespaces leak: %q", v)
		}
		e.clock.Add(2 * time.Minute)
		if v, _ := sessions.Get("k"); v != nil {
			t.Errorf("expired key read as %q", v)
		}
		if n, err := e.acc.Sweep(context.Background()); err != nil || n != 1 {
			t.Errorf("Sweep = %d, %v", n, err)
		}
		_ = sessions.Set("a", []byte("x"), 0)
		_ = sessions.Delete("a")
		if v, _ := sessions.Get("a"); v != nil {
			t.Errorf("deleted key read as %q", v)
		}
	})
}

func TestSecretIsCreatedOnceAndKept(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		a, err := e.acc.Secret(context.Background())
		if err != nil || len(a) != 32 {
			t.Fatalf("Secret = %x, %v", a, err)
		}
		b, _ := e.acc.Secret(context.Background())
		if string(a) != string(b) {
			t.Error("the secret changed between calls")
		}
	})
}

// TestTokenPrincipalCache: a token's principal is remembered for a moment, but what this
// instance changes (revoking, disabling, roles) is seen at the next call, and what another
// instance changes within accounts.TokenCacheTTL.
func TestTokenPrincipalCache(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		other := accounts.NewService(db, e.ws, "https://agenda.example.fr", accounts.WithClock(e.clock.Now), accounts.WithHashParams(accounts.FastHashParams))
		ctx := context.Background()
		st := wt.Structure(t, e.ws, nil)
		u, _ := e.acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "script@exemple.fr"})
		secret, tok, err := e.acc.CreateToken(ctx, u.ID, accounts.TokenAPI, "Export")
		if err != nil {
			t.Fatal(err)
		}
		principal := func(acc *accounts.Service) (*accounts.Principal, error) {
			return acc.PrincipalByToken(ctx, accounts.TokenAPI, secret)
		}
		first, err := principal(e.acc)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := principal(e.acc); err != nil || again != first {
			t.Errorf("a second call within the TTL reads again (%v) or fails: %v", again != first, err)
		}

		// A role given on this instance counts at once.
		if _, err := e.acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "script@exemple.fr", MemberOf: []int64{st.ID}}); err != nil {
			t.Fatal(err)
		}
		if p, err := principal(e.acc); err != nil || len(p.Structures) != 1 {
			t.Errorf("a new membership is not seen at once: %+v, %v", p, err)
		}

		// Another instance remembers the token, then this one disables the account.
		if _, err := principal(other); err != nil {
			t.Fatal(err)
		}
		if err := e.acc.SetStatus(ctx, workshops.System, u.ID, accounts.UserDisabled); err != nil {
			t.Fatal(err)
		}
		if _, err := principal(e.acc); !errors.Is(err, accounts.ErrDisabled) {
			t.Errorf("disabled on this instance, the token still works here: %v", err)
		}
		if _, err := principal(other); err != nil {
			t.Errorf("within the TTL, the other instance still serves what it remembers: %v", err)
		}
		e.clock.Add(accounts.TokenCacheTTL + time.Millisecond)
		if _, err := principal(other); !errors.Is(err, accounts.ErrDisabled) {
			t.Errorf("past the TTL, the other instance still accepts a disabled account: %v", err)
		}

		// Revoking is seen at once on this instance.
		if err := e.acc.SetStatus(ctx, workshops.System, u.ID, accounts.UserActive); err != nil {
			t.Fatal(err)
		}
		if _, err := principal(e.acc); err != nil {
			t.Fatal(err)
		}
		if err := e.acc.RevokeToken(ctx, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := principal(e.acc); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("a revoked token still works on its instance: %v", err)
		}
	})
}
