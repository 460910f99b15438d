package main

// Operator commands for accounts (user add, user list, token add) and the first-run link.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
)

// userCommand runs `user add` and `user list`.
func userCommand(ctx context.Context, acc *accounts.Service, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("user: expected add or list (see --help)")
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, acc, args[1:], stdout, stderr)
	case "list":
		return userList(ctx, acc, args[1:], stdout, stderr)
	}
	return fmt.Errorf("user %s: expected add or list (see --help)", args[0])
}

func userAdd(ctx context.Context, acc *accounts.Service, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var g accounts.Grant
	fs.StringVar(&g.Email, "email", "", "adresse électronique de la personne (obligatoire)")
	fs.StringVar(&g.Role, "role", "", "coordinator, member ou professional (obligatoire)")
	fs.StringVar(&g.Structure, "structure", "", "identifiant (slug) de la structure d'un membre")
	fs.StringVar(&g.Organisation, "organisation", "", "organisation d'un professionnel qui oriente (CCAS, MDS, France Travail…)")
	fs.StringVar(&g.Territory, "territory", "", "identifiant (slug) du territoire (par défaut : le premier)")
	fs.StringVar(&g.Name, "name", "", "prénom et nom")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("user add: unexpected arguments %q", fs.Args())
	}
	u, err := acc.GrantRole(ctx, workshops.System, g)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(stdout, "Compte n° %d (%s) : rôle %s donné.\n", u.ID, u.Email, g.Role)
	if !u.HasPassword() {
		fmt.Fprintf(stderr, "La personne se connecte en demandant un lien par courriel sur %s/login, puis peut choisir un mot de passe.\n", acc.BaseURL())
	}
	return nil
}

// personLine is a line of `user list --json`.
type personLine struct {
	Email  string   `json:"email"`
	Name   string   `json:"name"`
	Status string   `json:"status"`
	Roles  []string `json:"roles"`
}

func userList(ctx context.Context, acc *accounts.Service, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "écrire un tableau JSON plutôt qu'une ligne par compte")
	if err := fs.Parse(args); err != nil {
		return err
	}
	people, err := acc.People(ctx)
	if err != nil {
		return err
	}
	lines := make([]personLine, len(people))
	for i, p := range people {
		lines[i] = personLine{Email: p.User.Email, Name: p.User.Name, Status: p.User.Status, Roles: roleNames(p)}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(lines)
	}
	// One account a line, fields separated by tabs: email, name, status, roles (separated
	// by commas), so that cut, awk and spreadsheets read it.
	for _, l := range lines {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", l.Email, l.Name, l.Status, strings.Join(l.Roles, ","))
	}
	return nil
}

// roleNames writes a person's roles as role:place: coordinator:TERRITORY,
// member:STRUCTURE, professional:STATUS:ORGANISATION.
func roleNames(p accounts.Principal) []string {
	roles := []string{}
	for _, t := range p.Territories {
		roles = append(roles, accounts.RoleCoordinator+":"+t.Slug)
	}
	for _, st := range p.Structures {
		roles = append(roles, accounts.RoleMember+":"+st.Slug)
	}
	if pro := p.Professional; pro != nil {
		// Commas separate roles on a line: the organisation's own become spaces.
		roles = append(roles, accounts.RoleProfessional+":"+pro.Status+":"+strings.ReplaceAll(pro.Organisation, ",", " "))
	}
	return roles
}

// tokenCommand runs `token add`, which prints the new token alone on standard output so
// that scripts can capture it; everything else goes to standard error.
func tokenCommand(ctx context.Context, acc *accounts.Service, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("token: expected add (see --help)")
	}
	fs := flag.NewFlagSet("token add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "adresse électronique du compte (obligatoire)")
	name := fs.String("name", "", "nom du jeton, pour se souvenir de son usage")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("token add: unexpected arguments %q", fs.Args())
	}
	if strings.TrimSpace(*email) == "" {
		return errors.New("token add: --email is required")
	}
	secret, tok, err := acc.IssueAPIToken(ctx, *email, *name)
	switch {
	case errors.Is(err, workshops.ErrNotFound):
		return errors.New("token add: no account has this email (create it with `user add`)")
	case err != nil:
		return fmt.Errorf("token add: %w", err)
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "Jeton n° %d créé. Gardez-le : il ne sera plus affiché. Il se révoque sur la page « Mon compte ».\n", tok.ID)
	return nil
}

// announceFirstRun prints, while nobody coordinates any territory, a one-time link to
// create the first coordinator; a new one at each start, which replaces the previous.
// The link goes to standard output only: logs may be kept and read by others.
func announceFirstRun(ctx context.Context, acc *accounts.Service, stdout io.Writer, logger *slog.Logger) error {
	link, err := acc.IssueBootstrapLink(ctx)
	if err != nil || link == "" {
		return err
	}
	logger.Info("first run: no coordinator yet, link to create one printed on standard output")
	fmt.Fprintf(stdout, "\nPremier démarrage : aucun compte de coordination n'existe encore.\n"+
		"Ouvrez ce lien pour créer le premier (il marche une seule fois, pendant %d heures) :\n\n  %s\n\n",
		int(accounts.BootstrapTTL.Hours()), link)
	return nil
}
