#!/usr/bin/env bash
# `npm test`: typecheck, lint, unit tests (node:test), end-to-end tests (Playwright), in that order.
# Every stage runs even when an earlier one failed; the last line is `N passed, N failed` over all of
# them (the typecheck and the lint count as one check each), and the exit status is non-zero if
# anything failed or if no test ran at all.
#
# Database: unset DATABASE_URL → SQLite; DATABASE_URL=postgresql://… → unit tests and the e2e
# instance each create their own databases on that server (lib/testing/test-db.ts, e2e/serve.ts).
set -uo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d "${TMPDIR:-/tmp}/custodian-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
summary=()
now() { date +%s; }

# --- 1. typecheck -------------------------------------------------------------------------------
start=$(now)
echo "== typecheck: npx tsc --noEmit -p ."
if npx tsc --noEmit -p .; then
  passed=$((passed + 1)); summary+=("typecheck: ok ($(( $(now) - start )) s)")
else
  failed=$((failed + 1)); summary+=("typecheck: FAILED ($(( $(now) - start )) s)")
fi

# --- 2. lint: ESLint (bugs, hooks rules) and dependency-cruiser (lib/ imports no next/* or react) ---
start=$(now)
echo "== lint: npm run lint"
if npm run -s lint; then
  passed=$((passed + 1)); summary+=("lint: ok ($(( $(now) - start )) s)")
else
  failed=$((failed + 1)); summary+=("lint: FAILED ($(( $(now) - start )) s)")
fi

# --- 3. unit tests ------------------------------------------------------------------------------
# Node 20's --test has no glob support, hence find.
start=$(now)
mapfile -t unit_files < <(find lib scripts -name '*.test.ts' -not -path '*/generated/*' -not -path '*/node_modules/*' | sort)
if [ "${#unit_files[@]}" -eq 0 ]; then
  summary+=("unit: no test files")
else
  echo "== unit tests: ${#unit_files[@]} files (node --test, TAP)"
  # Quiet logs unless asked for: the TAP output is the report.
  LOG_LEVEL="${LOG_LEVEL:-silent}" node --import tsx --test --test-concurrency=1 --test-reporter=tap "${unit_files[@]}" 2>&1 | tee "$work/unit.tap"
  unit_rc=${PIPESTATUS[0]}
  # The TAP summary: "# pass N", "# fail N", "# cancelled N" (a cancelled test did not pass).
  unit_pass=$(grep -E '^# pass [0-9]+' "$work/unit.tap" | tail -1 | awk '{print $3}')
  unit_fail=$(grep -E '^# fail [0-9]+' "$work/unit.tap" | tail -1 | awk '{print $3}')
  unit_cancelled=$(grep -E '^# cancelled [0-9]+' "$work/unit.tap" | tail -1 | awk '{print $3}')
  unit_pass=${unit_pass:-0}; unit_fail=$(( ${unit_fail:-0} + ${unit_cancelled:-0} ))
  if [ "$unit_rc" -ne 0 ] && [ "$unit_fail" -eq 0 ]; then
    unit_fail=1 # the runner itself failed (no summary, or a file that would not load)
  fi
  passed=$((passed + unit_pass)); failed=$((failed + unit_fail))
  summary+=("unit: $unit_pass passed, $unit_fail failed ($(( $(now) - start )) s)")
fi

# --- 4. end-to-end tests ------------------------------------------------------------------------
start=$(now)
echo "== e2e tests: npx playwright test"
PLAYWRIGHT_JSON_OUTPUT_NAME="$work/playwright.json" npx playwright test --reporter=list,json
e2e_rc=$?
read -r e2e_pass e2e_fail < <(node -e '
  const fs = require("node:fs");
  try {
    const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const s = r.stats ?? {};
    const errors = (r.errors ?? []).length; // e.g. the web server did not start
    console.log((s.expected ?? 0) + (s.flaky ?? 0), (s.unexpected ?? 0) + errors);
  } catch {
    console.log(0, 0);
  }
' "$work/playwright.json")
if [ "$e2e_rc" -ne 0 ] && [ "$e2e_fail" -eq 0 ]; then
  e2e_fail=1 # Playwright failed without a failed test (config error, server never came up)
fi
passed=$((passed + e2e_pass)); failed=$((failed + e2e_fail))
summary+=("e2e: $e2e_pass passed, $e2e_fail failed ($(( $(now) - start )) s)")

echo
for line in "${summary[@]}"; do echo "  $line"; done
status=0
if [ "$failed" -gt 0 ]; then status=1; fi
if [ $(( ${unit_pass:-0} + ${unit_fail:-0} + e2e_pass + e2e_fail )) -eq 0 ]; then
  echo "  no tests ran"; status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
