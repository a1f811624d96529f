#!/usr/bin/env bash
# Every check and every test of the repository — the README's test command (`npm test`).
#   1. generated schema types are up to date     4. unit tests (parallel)
#   2. typecheck (tsc, strict)                   5. integration + e2e tests (real Kafka, registry,
#   3. lint (incl. Nx module boundaries)            Postgres; the stack is started if not running)
# Ends with one line `jest: N passed, N failed, N skipped` summing every jest run.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NX_DAEMON=false NX_NO_CLOUD=true RETRY_PROFILE=test LOG_FORMAT=text
REPORTS="${TEST_REPORTS_DIR:-$PWD/tmp/test-reports}"
mkdir -p "$REPORTS" && rm -f "$REPORTS"/*.json
failed=0
step() { printf '\n==> %s\n' "$*"; }

step "node $(node --version)"
step "schemas: generated types up to date"
node -r @swc-node/register libs/schemas/scripts/generate-types.ts --check || failed=1
step "typecheck"
tsc -p tsconfig.json --noEmit || failed=1
step "lint"
eslint . --max-warnings=0 || failed=1
step "unit tests"
jest --selectProjects unit --maxWorkers=2 --json --outputFile="$REPORTS/unit.json" || failed=1
step "integration and e2e tests (real Kafka, schema registry, PostgreSQL)"
# --forceExit: after a failure, a client a test could not close (kafkajs keeps retrying) must not hang
# the run; results are unaffected and each suite still closes what it opened.
jest --selectProjects integration e2e --runInBand --forceExit --json --outputFile="$REPORTS/slow.json" || failed=1

node -e '
  const fs = require("fs"); let p = 0, f = 0, s = 0;
  for (const file of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + file, "utf8"));
    p += r.numPassedTests; f += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0); s += r.numPendingTests + r.numTodoTests;
  }
  console.log(`\njest: ${p} passed, ${f} failed, ${s} skipped`);
' "$REPORTS"
exit $failed
