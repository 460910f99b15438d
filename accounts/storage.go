package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Storage is a key-value store in the database with the method set of fiber.Storage, so
// that web sessions and rate-limit counters are shared by every server instance. Each
// namespace is independent; expired keys read as missing and are purged by Sweep.
type Storage struct {
	db        *bun.DB
	namespace string
	now       func() time.Time
}

// NewStorage returns the store of a namespace ("session", "ratelimit"…).
func (s *Service) NewStorage(namespace string) *Storage {
	return &Storage{db: s.db, namespace: namespace, now: s.now}
}

type kvRow struct {
	bun.BaseModel `bun:"table:kv_store,alias:kv"`

	Namespace string `bun:",pk"`
	Key       string `bun:",pk"`
	Value     []byte
	ExpiresAt *time.Time
}

// Get returns the value of a key, or nil when it is missing or expired.
func (st *Storage) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	row := new(kvRow)
	err := st.db.NewSelect().Model(row).Where("namespace = ? AND key = ?", st.namespace, key).
		Where("(expires_at IS NULL OR expires_at > ?)", st.now().UTC()).Scan(context.Background())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kv get: %w", err)
	}
	return row.Value, nil
}

// Set stores a value for a key, expiring after exp (never when exp is zero).
func (st *Storage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	row := &kvRow{Namespace: st.namespace, Key: key, Value: val}
	if exp > 0 {
		t := st.now().UTC().Add(exp)
		row.ExpiresAt = &t
	}
	_, err := st.db.NewInsert().Model(row).
		On("CONFLICT (namespace, key) DO UPDATE").
		Set("value = EXCLUDED.value").Set("expires_at = EXCLUDED.expires_at").
		Exec(context.Background())
	if err != nil {
		return fmt.Errorf("kv set: %w", err)
	}
	return nil
}

// Delete removes a key.
func (st *Storage) Delete(key string) error {
	if key == "" {
		return nil
	}
	_, err := st.db.NewDelete().Model((*kvRow)(nil)).Where("namespace = ? AND key = ?", st.namespace, key).Exec(context.Background())
	if err != nil {
		return fmt.Errorf("kv delete: %w", err)
	}
	return nil
}

// Reset removes every key of the namespace.
func (st *Storage) Reset() error {
	_, err := st.db.NewDelete().Model((*kvRow)(nil)).Where("namespace = ?", st.namespace).Exec(context.Background())
	return err
}

// Close does nothing: the database belongs to the program.
func (st *Storage) Close() error { return nil }

// Sweep deletes the expired keys of every namespace and returns how many.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	res, err := s.db.NewDelete().Model((*kvRow)(nil)).Where("expires_at IS NOT NULL AND expires_at <= ?", s.now().UTC()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("sweep kv: %w", err)
	}
	return res.RowsAffected()
}
