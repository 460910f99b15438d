package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestJoinRequest(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		coord := e.coordinator("coordination@metropole.example.fr", e.territory())
		other := e.coordinator("ailleurs@autre.example.fr", e.otherTerritory())

		visitor := e.browser()
		resp, body := visitor.get("/join")
		if resp.StatusCode != http.StatusOK || visitor.csrf == "" || !strings.Contains(body, "Inscrire une structure") {
			t.Fatalf("GET /join = %d", resp.StatusCode)
		}
		resp, body = visitor.post("/join", joinForm())
		expectRedirectExactly(t, resp, body, "/join?sent=1")
		_, body = visitor.get("/join?sent=1")
		if !strings.Contains(body, "Votre demande est envoyée") {
			t.Errorf("no confirmation page")
		}

		// The structure waits, hidden from the public.
		if resp, _ := e.get("/structures/centre-social-des-tilleuls"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a pending structure is public: %d", resp.StatusCode)
		}
		m := e.lastEmail("coordination@metropole.example.fr")
		if !strings.Contains(m.Subject, "nouvelle demande") || !strings.Contains(m.BodyText, "Centre social des Tilleuls") {
			t.Errorf("coordinator's email: %q", m.Subject)
		}
		linkIn(t, m, "/coordination")
		if n := len(e.outbox("ailleurs@autre.example.fr")); n != 0 {
			t.Errorf("the coordinator of another territory got %d emails", n)
		}

		// Only the territory's coordinators see and decide it.
		_, body = other.get("/coordination")
		if strings.Contains(body, "Centre social des Tilleuls") {
			t.Errorf("another territory's coordinator sees the request")
		}
		_, body = coord.get("/coordination")
		if !strings.Contains(body, "Centre social des Tilleuls") || !strings.Contains(body, "Dominique Durand") {
			t.Fatalf("the coordinator does not see the request: %.2000s", body)
		}
		var jr accounts.JoinRequest
		if err := db.NewSelect().Model(&jr).Where("email = ?", "dominique@tilleuls.example.fr").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		accept := "/coordination/requests/" + itoa(jr.ID) + "/accept"
		if resp, _ := other.post(accept, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("another territory's coordinator accepts: %d", resp.StatusCode)
		}
		resp, body = coord.post(accept, nil)
		expectRedirectExactly(t, resp, body, "/coordination?flash=request-accepted")
		if resp, _ := coord.post(accept, nil); resp.StatusCode != http.StatusConflict {
			t.Errorf("accepting twice: %d, want 409", resp.StatusCode)
		}
		if resp, _ := e.get("/structures/centre-social-des-tilleuls"); resp.StatusCode != http.StatusOK {
			t.Errorf("the accepted structure is not public: %d", resp.StatusCode)
		}
		if got := e.auditActions("join_request", itoa(jr.ID)); !slices.Equal(got, []string{"requested", "accepted"}) {
			t.Errorf("audit of the request: %v", got)
		}

		// The first member gets an invitation, chooses a password and is signed in.
		m = e.lastEmail("dominique@tilleuls.example.fr")
		if !strings.Contains(m.Subject, "Centre social des Tilleuls") {
			t.Errorf("member's email: %q", m.Subject)
		}
		link := linkIn(t, m, "/invitations/")
		member := e.browser()
		resp, body = member.get(link)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Rejoindre Centre social des Tilleuls") || !strings.Contains(body, `value="Dominique Durand"`) {
			t.Fatalf("invitation page: %d %.1500s", resp.StatusCode, body)
		}
		resp, body = member.post(link, url.Values{"name": {"Dominique Durand"}, "password": {password}, "confirm": {"une autre phrase longue"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Les deux mots de passe sont différents") || !strings.Contains(body, `aria-invalid="true"`) {
			t.Fatalf("different passwords: %d", resp.StatusCode)
		}
		resp, body = member.post(link, url.Values{"name": {"Dominique Durand"}, "password": {password}, "confirm": {password}})
		expectRedirectExactly(t, resp, body, "/manage?flash=invitation-accepted")
		if !member.signedIn() {
			t.Errorf("the member is not signed in")
		}
		u, err := e.acc.UserByEmail(ctx, "dominique@tilleuls.example.fr")
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.acc.Principal(ctx, u.ID)
		if err != nil || !p.MemberOf("centre-social-des-tilleuls") {
			t.Errorf("not a member: %v", err)
		}
		if _, err := e.acc.Authenticate(ctx, "dominique@tilleuls.example.fr", password); err != nil {
			t.Errorf("the chosen password does not work: %v", err)
		}

		// A link works once.
		resp, body = e.browser().get(link)
		if resp.StatusCode != http.StatusGone || !strings.Contains(body, "Ce lien ne marche plus") {
			t.Errorf("a used link: %d", resp.StatusCode)
		}
	})
}

func TestJoinRequestRefused(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		coord := e.coordinator("coordination@metropole.example.fr", e.territory())
		b := e.browser()
		b.get("/join")
		b.post("/join", joinForm())
		var jr accounts.JoinRequest
		if err := db.NewSelect().Model(&jr).Scan(context.Background()); err != nil {
			t.Fatal(err)
		}
		coord.get("/coordination")
		refuse := "/coordination/requests/" + itoa(jr.ID) + "/refuse"
		resp, body := coord.post(refuse, url.Values{"reason": {"   "}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez la raison du refus") ||
			!strings.Contains(body, `id="request-`+itoa(jr.ID)+`-reason"`) {
			t.Fatalf("a refusal without reason: %d", resp.StatusCode)
		}
		resp, body = coord.post(refuse, url.Values{"reason": {"Nous n'avons trouvé aucun atelier numérique <b>chez vous</b>."}})
		expectRedirectExactly(t, resp, body, "/coordination?flash=request-refused")
		m := e.lastEmail("dominique@tilleuls.example.fr")
		if !strings.Contains(m.BodyText, "Nous n'avons trouvé aucun atelier numérique <b>chez vous</b>.") {
			t.Errorf("the refusal email lacks the reason: %q", m.BodyText)
		}
		var st workshops.Structure
		if err := db.NewSelect().Model(&st).Where("id = ?", jr.StructureID).Scan(context.Background()); err != nil || st.Status != workshops.StructureRefused {
			t.Errorf("structure status %q, %v", st.Status, err)
		}
		if _, err := e.acc.UserByEmail(context.Background(), "dominique@tilleuls.example.fr"); err == nil {
			t.Errorf("a refused request created an account")
		}
		_, body = coord.get("/coordination")
		if strings.Contains(body, "Centre social des Tilleuls") {
			t.Errorf("a refused request is still waiting")
		}
	})
}

func TestJoinFormKeepsInputAndExplains(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		long := strings.Repeat("a", 20000)
		cases := []struct {
			name   string
			edit   func(url.Values)
			field  string
			shown  string
			absent string
		}{
			{"BadEmail", func(v url.Values) { v.Set("member_email", "dominique(at)tilleuls") }, "member_email", `value="dominique(at)tilleuls"`, ""},
			{"BadPostcode", func(v url.Values) { v.Set("postcode", "5400") }, "postcode", `value="5400"`, ""},
			{"VeryLongName", func(v url.Values) { v.Set("name", long) }, "name", "150 caractères au plus (il en a 20000)", ""},
			{"ScriptInName", func(v url.Values) {
				v.Set("member_name", strings.Repeat("x", 121))
				v.Set("name", `<script>alert("x")</script>`)
			}, "member_name", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "<script>"},
			{"NoConsent", func(v url.Values) { v.Del("consent") }, "consent", "", ""},
			{"ControlCharacters", func(v url.Values) {
				v.Set("town", "Nan\x00cy\x07")
				v.Set("postcode", "")
			}, "postcode", `value="Nan`, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				b := e.browser()
				b.get("/join")
				form := joinForm()
				tc.edit(form)
				resp, body := b.post("/join", form)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %.500s", resp.StatusCode, body)
				}
				id := "join-" + tc.field
				if !strings.Contains(body, `href="#`+id+`"`) || !strings.Contains(body, `id="`+id+`-error"`) {
					t.Errorf("no error summary link or message for %s", tc.field)
				}
				if !strings.Contains(body, "Erreur : inscrire une structure") {
					t.Errorf("the title does not say there is an error")
				}
				if tc.shown != "" && !strings.Contains(body, tc.shown) {
					t.Errorf("input not kept: %s", tc.shown)
				}
				if tc.absent != "" && strings.Contains(body, tc.absent) {
					t.Errorf("%s shown as markup", tc.absent)
				}
				if !strings.Contains(body, `value="Dominique Durand"`) && tc.field != "member_name" {
					t.Errorf("other fields are not kept")
				}
			})
		}
		n, err := db.NewSelect().Model((*accounts.JoinRequest)(nil)).Count(context.Background())
		if err != nil || n != 0 {
			t.Errorf("%d requests stored (%v)", n, err)
		}
	})
}

func TestJoinHoneypotDropsRobots(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		b := e.browser()
		b.get("/join")
		form := joinForm()
		form.Set("homepage", "https://spam.example")
		resp, body := b.post("/join", form)
		expectRedirectExactly(t, resp, body, "/join?sent=1")
		n, err := db.NewSelect().Model((*accounts.JoinRequest)(nil)).Count(context.Background())
		if err != nil || n != 0 {
			t.Errorf("a robot's request was stored: %d %v", n, err)
		}
	})
}

func TestInvitingAColleague(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.svc, func(s *workshops.Structure) { s.Name = "Médiathèque Jules Verne" })
		otherSt := wt.Structure(t, e.svc, nil)
		e.user("camille@verne.example.fr", func(nu *accounts.NewUser) { nu.Name = "Camille Martin"; nu.MemberOf = []int64{st.ID} })
		e.user("intrus@ailleurs.example.fr", func(nu *accounts.NewUser) { nu.MemberOf = []int64{otherSt.ID} })
		members := "/manage/structures/" + st.Slug + "/members"

		intruder := e.browser()
		intruder.signIn("intrus@ailleurs.example.fr", password)
		if resp, _ := intruder.get(members); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a member of another structure sees the members: %d", resp.StatusCode)
		}
		if resp, _ := intruder.post(members, url.Values{"email": {"x@exemple.fr"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a member of another structure invites: %d", resp.StatusCode)
		}
		if resp, _ := e.browser().get(members); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a visitor is not sent to sign in: %d", resp.StatusCode)
		}

		b := e.browser()
		b.signIn("camille@verne.example.fr", password)
		resp, body := b.get(members)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Camille Martin") {
			t.Fatalf("members page: %d", resp.StatusCode)
		}
		resp, body = b.post(members, url.Values{"email": {"pas une adresse"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="pas une adresse"`) || !strings.Contains(body, "Indiquez une adresse électronique") {
			t.Errorf("bad email: %d", resp.StatusCode)
		}
		resp, body = b.post(members, url.Values{"email": {" Sacha@Verne.example.fr "}})
		expectRedirectExactly(t, resp, body, members+"?flash=member-invited")
		_, body = b.get(members + "?flash=member-invited")
		if !strings.Contains(body, "sacha@verne.example.fr") || !strings.Contains(body, "invitation en attente") || !strings.Contains(body, "L&#39;invitation est envoyée") {
			t.Errorf("the invited colleague is not listed")
		}
		m := e.lastEmail("sacha@verne.example.fr")
		if !strings.Contains(m.BodyText, "Camille Martin vous invite") || !strings.Contains(m.Subject, "Médiathèque Jules Verne") {
			t.Errorf("invitation email: %q %q", m.Subject, m.BodyText)
		}
		link := linkIn(t, m, "/invitations/")
		colleague := e.browser()
		_, body = colleague.get(link)
		if !strings.Contains(body, "Camille Martin vous invite") {
			t.Errorf("the invitation page does not say who invites")
		}
		long := strings.Repeat("é", 20000)
		resp, body = colleague.post(link, url.Values{"name": {long}, "password": {"court"}, "confirm": {"court"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "120 caractères au plus") || !strings.Contains(body, "au moins 12 caractères") {
			t.Errorf("bad name and password: %d", resp.StatusCode)
		}
		resp, body = colleague.post(link, url.Values{"name": {"Sacha <i>Petit</i>"}, "password": {password}, "confirm": {password}})
		expectRedirectExactly(t, resp, body, "/manage?flash=invitation-accepted")
		_, body = b.get(members)
		if !strings.Contains(body, "Sacha &lt;i&gt;Petit&lt;/i&gt;") {
			t.Errorf("the colleague's name is not shown as text")
		}

		// Someone who already has an account just accepts: their password stays.
		e.user("dominique@exemple.fr", func(nu *accounts.NewUser) { nu.Name = "Dominique" })
		b.post(members, url.Values{"email": {"dominique@exemple.fr"}})
		link = linkIn(t, e.lastEmail("dominique@exemple.fr"), "/invitations/")
		known := e.browser()
		_, body = known.get(link)
		if strings.Contains(body, `name="password"`) || !strings.Contains(body, "Accepter l'invitation") {
			t.Errorf("an account with a password is asked for one")
		}
		resp, body = known.post(link, nil)
		expectRedirectExactly(t, resp, body, "/manage?flash=invitation-accepted")
		if _, err := e.acc.Authenticate(ctx, "dominique@exemple.fr", password); err != nil {
			t.Errorf("the password changed: %v", err)
		}

		// The territory's coordinator may manage the members too.
		coord := e.coordinator("coordination@metropole.example.fr", st.TerritoryID)
		if resp, _ := coord.get(members); resp.StatusCode != http.StatusOK {
			t.Errorf("the coordinator cannot see the members: %d", resp.StatusCode)
		}
	})
}

func TestExpiredInvitation(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		st := wt.Structure(t, e.svc, nil)
		e.user("camille@verne.example.fr", func(nu *accounts.NewUser) { nu.MemberOf = []int64{st.ID} })
		b := e.browser()
		b.signIn("camille@verne.example.fr", password)
		b.get("/manage/structures/" + st.Slug + "/members")
		b.post("/manage/structures/"+st.Slug+"/members", url.Values{"email": {"sacha@verne.example.fr"}})
		link := linkIn(t, e.lastEmail("sacha@verne.example.fr"), "/invitations/")
		e.clock.Add(accounts.InvitationTTL + 1)
		colleague := e.browser()
		resp, body := colleague.get(link)
		if resp.StatusCode != http.StatusGone || !strings.Contains(body, "il a expiré") {
			t.Errorf("expired link page: %d", resp.StatusCode)
		}
		colleague.get("/join") // any form page, for a CSRF token
		resp, _ = colleague.post(link, url.Values{"name": {"Sacha"}, "password": {password}, "confirm": {password}})
		if resp.StatusCode != http.StatusGone || colleague.signedIn() {
			t.Errorf("an expired link was accepted: %d", resp.StatusCode)
		}
		if resp, _ := e.browser().get("/invitations/inconnu"); resp.StatusCode != http.StatusGone {
			t.Errorf("unknown link: %d", resp.StatusCode)
		}
	})
}
