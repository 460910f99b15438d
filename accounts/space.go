package accounts

import (
	"context"
	"errors"

	"github.com/escale-numerique/escale/workshops"
)

// Space is what a person's own space shows: the dashboard of their structures, and their
// private feed.
type Space struct {
	Dashboard *workshops.Dashboard
	// FeedToken is the person's active private feed token, nil when they have none.
	FeedToken *Token
}

// Space reads a person's own space. Returns workshops.ErrNotFound or ErrForbidden for a
// structure in q the person may not see (see workshops.Service.Dashboard).
func (s *Service) Space(ctx context.Context, p *Principal, q workshops.DashboardQuery) (*Space, error) {
	d, err := s.ws.Dashboard(ctx, p.Actor(), q)
	if err != nil {
		return nil, err
	}
	sp := &Space{Dashboard: d}
	tokens, err := s.Tokens(ctx, p.User.ID, TokenFeed)
	if err != nil {
		return nil, err
	}
	for i := range tokens {
		if tokens[i].Active() {
			sp.FeedToken = &tokens[i]
			break
		}
	}
	return sp, nil
}

// PrivateFeed is what a person's private feed shows.
type PrivateFeed struct {
	// Owner names the person, for the feed's name.
	Owner string
	Feed  *workshops.Feed
}

// PrivateFeed reads the private feed of the owner of a feed token: the sessions of their
// structures (see workshops.Service.StaffFeed). Returns workshops.ErrNotFound for an
// unknown or revoked token, and for the token of a disabled account.
func (s *Service) PrivateFeed(ctx context.Context, secret string) (*PrivateFeed, error) {
	p, err := s.PrincipalByToken(ctx, TokenFeed, secret)
	if errors.Is(err, ErrDisabled) {
		return nil, workshops.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	feed, err := s.ws.StaffFeed(ctx, p.Actor())
	if err != nil {
		return nil, err
	}
	return &PrivateFeed{Owner: p.Actor().Name, Feed: feed}, nil
}
