package workshops_test

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations"
)

func migrationsOpen(ctx context.Context, url string) (*bun.DB, error) {
	return migrations.Open(ctx, url)
}
