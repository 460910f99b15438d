#!/usr/bin/env bash
# Runs the independent iCalendar validator (../shared/tools/ics-check, or $ICS_CHECK) on
# the feeds of a running Escale: the whole calendar, one structure's feed, a filtered
# feed and one session's .ics, with the validator's HTTP checks (status, Content-Type,
# ETag/Last-Modified, 304, stable ETag). Exits 0 only with 0 failures.
#
#   scripts/ics-check-feeds.sh BASE_URL [STRUCTURE_SLUG]
#   scripts/ics-check-feeds.sh http://127.0.0.1:8080
#
# Without STRUCTURE_SLUG, the first structure listed by /api/v1/structures or, failing
# that, linked from /structures is checked. The first run of ics-check installs its
# parsers (Debian packages and an npm module) and takes a while.
set -euo pipefail

base="${1:?usage: $0 BASE_URL [STRUCTURE_SLUG]}"
base="${base%/}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check="${ICS_CHECK:-$here/../../shared/tools/ics-check/ics-check}"
if [ ! -x "$check" ]; then
  echo "ics-check-feeds: no validator at $check (set ICS_CHECK)" >&2
  exit 2
fi

slug="${2:-}"
if [ -z "$slug" ]; then
  slug="$(curl -fsS "$base/api/v1/structures" 2>/dev/null | grep -o '"slug": *"[a-z0-9-]*"' | head -n1 | sed 's/.*"\([a-z0-9-]*\)"$/\1/' || true)"
fi
if [ -z "$slug" ]; then
  slug="$(curl -fsS "$base/structures" 2>/dev/null | grep -o 'href="/structures/[a-z0-9-]*"' | head -n1 | sed 's#.*/structures/\([a-z0-9-]*\)"#\1#' || true)"
fi
if [ -z "$slug" ]; then
  echo "ics-check-feeds: no structure found at $base; give a slug as second argument" >&2
  exit 2
fi

session="$(curl -fsS "$base/calendar.ics" | tr -d '\r' | grep -o '^UID:session-[0-9]*' | head -n1 | sed 's/^UID:session-//' || true)"
if [ -z "$session" ]; then
  echo "ics-check-feeds: $base/calendar.ics has no session" >&2
  exit 2
fi

urls=(
  "$base/calendar.ics"
  "$base/structures/$slug/calendar.ics"
  "$base/calendar.ics?level=debutant&theme=prise-en-main"
  "$base/sessions/$session.ics"
)
echo "ics-check-feeds: checking ${urls[*]}" >&2
exec "$check" --profile feed "${urls[@]}"
