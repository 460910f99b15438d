// Package bench holds Escale's HTTP load tests: the real application on loopback, driven
// at a fixed rate or at full speed by vegeta, on SQLite and on PostgreSQL — the calendar
// and its feeds (TestLoad), and enrolling next to the database's raw insert rate
// (TestEnrollLoad). They run only when asked (ESCALE_LOAD=1, see scripts/bench.sh), never
// in the ordinary test suite.
package bench
