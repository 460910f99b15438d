#!/usr/bin/env bash
# Escale's performance figures, on SQLite and PostgreSQL (a throwaway cluster the tests
# start themselves): Go benchmarks of the hot paths, then the HTTP load test.
#
#   scripts/bench.sh            # everything (about 25 minutes on 2 cores)
#   scripts/bench.sh go         # only the Go benchmarks
#   scripts/bench.sh load       # only the HTTP load test of the calendar and feeds
#   scripts/bench.sh enroll     # only the enrollment figures (issue 4, §7; about 15 minutes)
#
# The enrollment figures: on SQLite and on PostgreSQL, the raw rate of single-row INSERT
# transactions (a Go loop on SQLite, pgbench with a one-INSERT script on PostgreSQL),
# independent enrollments per second through the HTTP API in the same run, with 16, 64 then
# 256 clients (ESCALE_ENROLL_CLIENTS=16,64,256; fasthttp clients in a closed loop, as
# pgbench's), the requests each batch held, the ratio of the best API rate to the best raw
# rate (target ≥ 25%), and 200 enrollments sent at once to a 20-seat session (target < 2 s,
# exactly 20 confirmed and 180 waiting). ESCALE_ENROLL_BATCHING=0 writes each enrollment in
# its own transaction, for comparison. PostgreSQL runs twice: on the tests' throwaway
# cluster (fsync=off: commits cost nothing), then on one with the default, durable settings
# that this script starts (set ESCALE_BENCH_DURABLE=0 to skip it); the target is read on the
# durable one, as a deployment runs it.
#
# Load settings (environment): ESCALE_LOAD_RATE (req/s of the fixed-load scenarios, 100),
# ESCALE_LOAD_SECONDS (per attack, 10), ESCALE_LOAD_WORKERS (connections at full speed,
# 16), ESCALE_LOAD_ROUNDS (interleaved rounds of the side-by-side comparisons, 3).
# Figures depend on the machine and on what else it runs: compare within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}

if [ "$what" = all ] || [ "$what" = go ]; then
  echo "== Go benchmarks: feeds (render, cache hit, 304, bare Fiber), API (sessions, enrolling), scaling 1k → 100k"
  go test ./web -run '^$' -benchmem -benchtime 200x \
    -bench 'FeedRender|FeedCacheHit|FeedNotModified|BareFiber|APISessions|APIEnroll' | grep -E '^(Benchmark|ok|FAIL)'
  go test ./web -run '^$' -benchtime 200x -bench Scaling -v | grep -vE '^(=== |--- )'
fi
if [ "$what" = all ] || [ "$what" = load ]; then
  echo "== HTTP load test"
  ESCALE_LOAD=1 go test -count=1 -v -run 'TestLoad$' -timeout 60m ./bench/ | grep -vE '^(=== RUN|--- PASS|PASS$)'
fi
if [ "$what" = all ] || [ "$what" = enroll ]; then
  echo "== Enrollments: raw inserts, the API, 200 on 20 (SQLite, PostgreSQL with fsync=off)"
  ESCALE_LOAD=1 go test -count=1 -v -run TestEnrollLoad -timeout 60m ./bench/ | grep -vE '^(=== RUN|--- PASS|PASS$)'
  if [ "${ESCALE_BENCH_DURABLE:-1}" != 0 ]; then
    echo "== Enrollments on a PostgreSQL with its default, durable settings (fsync=on, synchronous_commit=on)"
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    bin=${bin:-$(dirname "$(command -v initdb)")}
    dir=$(mktemp -d)
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" >/dev/null
    trap 'as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null; rm -rf "$dir"' EXIT
    TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable" ESCALE_LOAD=1 \
      go test -count=1 -v -run 'TestEnrollLoad/pg' -timeout 60m ./bench/ | grep -vE '^(=== RUN|--- PASS|PASS$)'
  fi
fi
