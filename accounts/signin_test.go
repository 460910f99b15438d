package accounts_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

var emailedLink = regexp.MustCompile(`https://agenda\.example\.fr(/\S+)/([A-Za-z0-9_-]{43})`)

// lastToken returns the token of the link in the last email to an address.
func lastToken(t *testing.T, db *bun.DB, to string) string {
	t.Helper()
	var ms []notify.Message
	if err := db.NewSelect().Model(&ms).Where("recipient = ?", to).OrderExpr("id DESC").Limit(1).Scan(context.Background()); err != nil || len(ms) == 0 {
		t.Fatalf("no email to %s (%v)", to, err)
	}
	m := emailedLink.FindStringSubmatch(ms[0].BodyText)
	if m == nil {
		t.Fatalf("no link in %q", ms[0].BodyText)
	}
	return m[2]
}

func TestEmailedLinks(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u, _ := e.acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "camille@exemple.fr", Name: "Camille", Password: "une phrase assez longue"})

		if err := e.acc.RequestSignInLink(ctx, "personne@exemple.fr", ""); err != nil {
			t.Fatal(err)
		}
		if err := e.acc.RequestSignInLink(ctx, "camille@", ""); !isValidation(err, "email") {
			t.Errorf("malformed address: %v", err)
		}
		if err := e.acc.RequestSignInLink(ctx, " Camille@exemple.fr", "/account"); err != nil {
			t.Fatal(err)
		}
		var ms []notify.Message
		_ = db.NewSelect().Model(&ms).Scan(ctx)
		if len(ms) != 1 || ms[0].Recipient != "camille@exemple.fr" || ms[0].Kind != notify.KindEmail ||
			!strings.Contains(ms[0].BodyText, "Bonjour Camille") || !strings.Contains(ms[0].BodyText, "?next=%2Faccount") {
			t.Fatalf("outbox: %+v", ms)
		}
		if got, err := e.acc.SignInWithLink(ctx, lastToken(t, db, "camille@exemple.fr")); err != nil || got.ID != u.ID {
			t.Errorf("the emailed link: %v", err)
		}

		if err := e.acc.RequestPasswordReset(ctx, "camille@exemple.fr"); err != nil {
			t.Fatal(err)
		}
		token := lastToken(t, db, "camille@exemple.fr")
		if _, err := e.acc.ResetPassword(ctx, token, "court", "court"); !isValidation(err, "password") {
			t.Errorf("short password: %v", err)
		}
		if _, err := e.acc.ResetPassword(ctx, token, "un nouveau mot de passe", "un autre"); !isValidation(err, "password_confirm") {
			t.Errorf("different passwords: %v", err)
		}
		got, err := e.acc.ResetPassword(ctx, token, "un nouveau mot de passe", "un nouveau mot de passe")
		if err != nil {
			t.Fatalf("the typos used the link up: %v", err)
		}
		if got.SessionEpoch == u.SessionEpoch {
			t.Error("the reset did not end the other sessions")
		}
		if _, err := e.acc.ResetPassword(ctx, token, "encore un mot de passe", "encore un mot de passe"); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("a reset link used twice: %v", err)
		}
		if _, err := e.acc.ChangePassword(ctx, u.ID, "une phrase assez longue", "un troisième mot de passe", "un troisième mot de passe"); !isValidation(err, "current_password") {
			t.Errorf("the old password changes the new one: %v", err)
		}
	})
}

func TestSecondFactorCodes(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u, _ := e.acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "coordination@exemple.fr", Password: "une phrase assez longue"})
		enr, err := e.acc.StartTOTP(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(enr.URL, "otpauth://totp/") || !strings.Contains(enr.URL, "issuer=Escale") {
			t.Errorf("otpauth URL %q", enr.URL)
		}
		if again, _ := e.acc.StartTOTP(ctx, u.ID); again.Secret != enr.Secret {
			t.Error("StartTOTP changed the secret")
		}
		code := func(offset time.Duration) string {
			c, err := totp.GenerateCodeCustom(enr.Secret, e.clock.Now().Add(offset), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if _, err := e.acc.EnableTOTP(ctx, u.ID, code(-2*time.Minute)); !isValidation(err, "code") {
			t.Errorf("an old code turns it on: %v", err)
		}
		codes, err := e.acc.EnableTOTP(ctx, u.ID, code(0))
		if err != nil || len(codes) != accounts.RecoveryCodeCount {
			t.Fatalf("EnableTOTP = %d codes, %v", len(codes), err)
		}
		if _, err := e.acc.StartTOTP(ctx, u.ID); !errors.Is(err, accounts.ErrTOTPEnabled) {
			t.Errorf("StartTOTP once on: %v", err)
		}

		verify := func(c string) error {
			_, err := e.acc.VerifySecondFactor(ctx, u.ID, c)
			return err
		}
		for _, tt := range []struct {
			name    string
			advance time.Duration
			code    func() string
			ok      bool
		}{
			{"TheEnablingCodeIsSpent", 0, func() string { return code(0) }, false},
			{"NextStep", 30 * time.Second, func() string { return code(0) }, true},
			{"SameCodeAgain", 0, func() string { return code(0) }, false},
			{"PhoneOneStepAhead", time.Minute, func() string { return code(30 * time.Second) }, true},
			{"PhoneOneStepBehind", 2 * time.Minute, func() string { return code(-30 * time.Second) }, true},
			{"TwoStepsBehind", 2 * time.Minute, func() string { return code(-time.Minute) }, false},
			{"NotSixDigits", 0, func() string { return "12345" }, false},
			{"RecoveryCode", 0, func() string { return strings.ToUpper(codes[0]) }, true},
			{"RecoveryCodeWithoutDashes", 0, func() string { return strings.ReplaceAll(codes[1], "-", " ") }, true},
			{"RecoveryCodeAgain", 0, func() string { return codes[0] }, false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				e.clock.Add(tt.advance)
				err := verify(tt.code())
				if tt.ok && err != nil || !tt.ok && !errors.Is(err, accounts.ErrSecondFactor) {
					t.Errorf("VerifySecondFactor: %v, want ok=%v", err, tt.ok)
				}
			})
		}

		t.Run("ACodeRacedByEightRequestsWinsOnce", func(t *testing.T) {
			e.clock.Add(time.Minute)
			c := code(0)
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins := 0
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if verify(c) == nil {
						mu.Lock()
						wins++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if wins != 1 {
				t.Errorf("%d wins, want 1", wins)
			}
		})

		if err := e.acc.DisableTOTP(ctx, u.ID, "pas le bon", ""); !isValidation(err, "password") {
			t.Errorf("disable with a wrong password: %v", err)
		}
		if err := e.acc.DisableTOTP(ctx, u.ID, "", ""); !isValidation(err, "password") {
			t.Errorf("disable with nothing: %v", err)
		}
		if err := e.acc.DisableTOTP(ctx, u.ID, "une phrase assez longue", ""); err != nil {
			t.Fatal(err)
		}
		if ov, _ := e.acc.AccountOverview(ctx, u.ID); ov.RecoveryCodesLeft != 0 {
			t.Errorf("%d recovery codes left once off", ov.RecoveryCodesLeft)
		}
		if again, _ := e.acc.StartTOTP(ctx, u.ID); again.Secret == enr.Secret {
			t.Error("turning it on again reuses the old secret")
		}
	})
}

func TestGrantRole(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		coordinator := workshops.Actor{UserID: 1, Name: "Coordination", Territories: []int64{1}}
		if _, err := e.acc.GrantRole(ctx, coordinator, accounts.Grant{Email: "a@exemple.fr", Role: accounts.RoleCoordinator}); !errors.Is(err, workshops.ErrForbidden) {
			t.Errorf("a coordinator through the operator's door: %v", err)
		}
		for _, tt := range []struct {
			name  string
			g     accounts.Grant
			field string
		}{
			{"UnknownRole", accounts.Grant{Email: "a@exemple.fr", Role: "admin"}, "role"},
			{"MemberWithoutStructure", accounts.Grant{Email: "a@exemple.fr", Role: accounts.RoleMember}, "structure"},
			{"UnknownStructure", accounts.Grant{Email: "a@exemple.fr", Role: accounts.RoleMember, Structure: "nulle-part"}, "structure"},
			{"ProfessionalWithoutOrganisation", accounts.Grant{Email: "a@exemple.fr", Role: accounts.RoleProfessional}, "organisation"},
			{"UnknownTerritory", accounts.Grant{Email: "a@exemple.fr", Role: accounts.RoleCoordinator, Territory: "ailleurs"}, "territory"},
			{"BadEmail", accounts.Grant{Email: "a@", Role: accounts.RoleCoordinator}, "email"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := e.acc.GrantRole(ctx, workshops.System, tt.g); !isValidation(err, tt.field) {
					t.Errorf("err = %v, want a message on %s", err, tt.field)
				}
			})
		}
		u, err := e.acc.GrantRole(ctx, workshops.System, accounts.Grant{Email: "a@exemple.fr", Role: accounts.RoleCoordinator, Territory: "territoire"})
		if err != nil || u.HasPassword() {
			t.Fatalf("GrantRole = %+v, %v", u, err)
		}
		if p, _ := e.acc.Principal(ctx, u.ID); !p.Coordinator() {
			t.Error("not a coordinator")
		}
		// Signed in by link, the person chooses a first password without a current one.
		if _, err := e.acc.ChangePassword(ctx, u.ID, "", "une phrase assez longue", "une phrase assez longue"); err != nil {
			t.Errorf("a first password: %v", err)
		}
		if _, err := e.acc.Authenticate(ctx, "a@exemple.fr", "une phrase assez longue"); err != nil {
			t.Errorf("the first password does not sign in: %v", err)
		}
	})
}

func TestBootstrapWorksOnce(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		link, err := e.acc.IssueBootstrapLink(ctx)
		if err != nil {
			t.Fatal(err)
		}
		token := link[strings.LastIndexByte(link, '/')+1:]
		form := accounts.FirstCoordinator{Email: "coordination@exemple.fr", Name: "Alex", Password: "une phrase assez longue", PasswordConfirm: "une phrase assez longue"}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.acc.Bootstrap(ctx, token, form); err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d first coordinators from one link", wins)
		}
		u, _ := e.acc.UserByEmail(ctx, "coordination@exemple.fr")
		if p, err := e.acc.Principal(ctx, u.ID); err != nil || !p.Coordinator() {
			t.Errorf("not a coordinator: %v", err)
		}
		if err := e.acc.CheckBootstrapLink(ctx, token); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("CheckBootstrapLink after use: %v", err)
		}
		e.clock.Add(accounts.BootstrapTTL)
		if link, _ := e.acc.IssueBootstrapLink(ctx); link != "" {
			t.Errorf("a first-run link once a coordinator exists: %q", link)
		}
	})
}
