package accounts

import (
	"context"
	"crypto/rand"
	"fmt"
)

// Secret returns the server secret that signs links (cancellation links): the same for
// every instance and across restarts. It is created at random the first time and kept in
// the database; ESCALE_SECRET overrides it (the server passes it here instead).
func (s *Service) Secret(ctx context.Context) ([]byte, error) {
	st := s.NewStorage("app")
	if v, err := st.Get("secret"); err != nil || v != nil {
		return v, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	// Two instances starting together both try: the first insert wins, and both read it.
	if _, err := s.db.NewInsert().Model(&kvRow{Namespace: "app", Key: "secret", Value: b}).
		On("CONFLICT (namespace, key) DO NOTHING").Exec(ctx); err != nil {
		return nil, fmt.Errorf("store secret: %w", err)
	}
	return st.Get("secret")
}
