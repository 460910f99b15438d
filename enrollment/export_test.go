package enrollment

import (
	"context"

	"github.com/escale-numerique/escale/workshops"
)

// EnrollTogether enrolls requests as if they had all arrived while a batch was being
// written: they make the next batch, in this order, then those it left alone are enrolled
// one by one, in order. Each answer is the one Enroll would give; alone says which
// requests the batch left to be enrolled on their own.
func (s *Service) EnrollTogether(ctx context.Context, actors []workshops.Actor, reqs []Request) (res []*Result, errs []error, alone []bool) {
	res, errs, alone = make([]*Result, len(reqs)), make([]error, len(reqs)), make([]bool, len(reqs))
	var batch []*pending
	var slot []int
	for i, req := range reqs {
		req, key, err := s.prepare(ctx, actors[i], req)
		if err != nil {
			errs[i] = err
			continue
		}
		batch = append(batch, &pending{ctx: ctx, actor: actors[i], req: req, key: key, done: make(chan struct{})})
		slot = append(slot, i)
	}
	s.writeBatch(batch)
	for j, p := range batch {
		i := slot[j]
		alone[i] = p.alone
		if p.alone {
			res[i], errs[i] = s.enrollAlone(ctx, p.actor, p.req, p.key)
		} else {
			res[i], errs[i] = p.res, p.err
		}
	}
	return res, errs, alone
}
