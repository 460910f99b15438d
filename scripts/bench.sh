#!/usr/bin/env bash
# Escale's performance figures, on SQLite and PostgreSQL (a throwaway cluster the tests
# start themselves): Go benchmarks of the hot paths, then the HTTP load test.
#
#   scripts/bench.sh            # everything (about 10 minutes on 2 cores)
#   scripts/bench.sh go         # only the Go benchmarks
#   scripts/bench.sh load       # only the HTTP load test
#
# Load settings (environment): ESCALE_LOAD_RATE (req/s of the fixed-load scenarios, 100),
# ESCALE_LOAD_SECONDS (per attack, 10), ESCALE_LOAD_WORKERS (connections at full speed,
# 16), ESCALE_LOAD_ROUNDS (interleaved rounds of the side-by-side comparisons, 3).
# Figures depend on the machine and on what else it runs: compare within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}

if [ "$what" = all ] || [ "$what" = go ]; then
  echo "== Go benchmarks: feeds (render, cache hit, 304, bare Fiber), API, scaling 1k → 100k"
  go test ./web -run '^$' -benchmem -benchtime 200x \
    -bench 'FeedRender|FeedCacheHit|FeedNotModified|BareFiber|APISessions' | grep -E '^(Benchmark|ok|FAIL)'
  go test ./web -run '^$' -benchtime 200x -bench Scaling -v | grep -vE '^(=== |--- )'
fi
if [ "$what" = all ] || [ "$what" = load ]; then
  echo "== HTTP load test"
  ESCALE_LOAD=1 go test -count=1 -v -run TestLoad -timeout 60m ./bench/ | grep -vE '^(=== RUN|--- PASS|PASS$)'
fi
