package workshops

import (
	"context"
	"sync/atomic"
)

// cached holds a value read from the database together with the change generation read
// just before it, so that it is served only while nothing has changed since.
type cached[T any] struct {
	gen   uint64
	value T
}

// readThrough returns the cached value while the generation is unchanged and trusted, and
// otherwise loads it (and caches it when the generation is trusted).
func readThrough[T any](ctx context.Context, c *Changes, slot *atomic.Pointer[cached[T]], load func(context.Context) (T, error)) (T, error) {
	gen, live := c.Generation()
	if live {
		if hit := slot.Load(); hit != nil && hit.gen == gen {
			return hit.value, nil
		}
	}
	v, err := load(ctx)
	if err != nil {
		return v, err
	}
	if live {
		slot.Store(&cached[T]{gen: gen, value: v})
	}
	return v, nil
}
