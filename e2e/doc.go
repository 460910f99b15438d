// Package e2e holds Escale's browser tests: TestBrowser builds the real program, starts it
// on a temporary SQLite database with the demo territory, and drives Debian's Chromium
// through the Node scripts of this folder (axe-core on every page type, keyboard and
// small-screen checks, the main journeys). The npm packages they need are listed in
// package.json; `npm ci` here installs them (CI does).
package e2e
