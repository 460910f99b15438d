// Package bench holds Escale's HTTP load test: the real application on loopback, driven
// at a fixed rate or at full speed by vegeta, on SQLite and on PostgreSQL. It runs only
// when asked (ESCALE_LOAD=1, see scripts/bench.sh), never in the ordinary test suite.
package bench
