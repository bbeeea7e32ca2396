#!/bin/sh
# What an app team meets, checked from outside; `./mvnw verify` runs this in module clients (integration-test):
#   1. infra/openapi.yaml linted by Spectral (spectral:oas) and Redocly (recommended): any error fails;
#   2. the TypeScript client Maven generated from it (target/typescript-client) compiled strict with its test;
#   3. the local app (infra/local, built before this module) started on a free port, seeded;
#   4. that test and the demo web client's browser test (headless Chromium, playwright-core) run against it.
# Needs Node.js 20.19+ with npm (packages pinned in package-lock.json) and a Chromium: CHROMIUM, else Debian's
# chromium, which it installs with apt when missing (as root, or through passwordless sudo). Without them it stops: a failure when PADDOCK_CLIENT_CHECKS=required
# (.ci/run sets it), otherwise a skip that says why (a machine with only a JDK still builds and tests the rest).
set -eu
cd "$(dirname "$0")"

unavailable() {
    if [ "${PADDOCK_CLIENT_CHECKS:-}" = required ]; then
        echo "clients: $1" >&2; exit 1
    fi
    echo "clients: SKIPPED (set PADDOCK_CLIENT_CHECKS=required to fail instead): $1" >&2; exit 0
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    unavailable "needs Node.js 20.19 or newer, with npm"
fi
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
    || unavailable "needs Node.js 20.19 or newer (this is $(node --version))"
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
as_root=
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
fi
if [ -z "$CHROMIUM" ] && { [ "$(id -u)" = 0 ] || [ -n "$as_root" ]; } && command -v apt-get >/dev/null 2>&1; then
    echo "clients: installing Debian's chromium"
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
        || { $as_root apt-get update -qq >/dev/null \
             && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
    CHROMIUM=$(command -v chromium || true)
fi
[ -n "$CHROMIUM" ] || unavailable "needs Chromium (Debian: apt-get install chromium)"
export CHROMIUM

# Only what package-lock.json pins; no install scripts run (none is needed).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

echo "clients: lint infra/openapi.yaml (Spectral spectral:oas, Redocly recommended)"
npx --no-install spectral lint --fail-severity=error ../infra/openapi.yaml
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --no-install redocly lint --format=summary ../infra/openapi.yaml

echo "clients: compile the generated TypeScript client and its test (strict)"
[ -f target/typescript-client/index.ts ] || { echo "clients: no generated client; run ./mvnw -pl clients verify" >&2; exit 1; }
rm -rf target/ts-build
npx --no-install tsc -p .

LOCAL_JAR=../infra/local/target/quarkus-app/quarkus-run.jar
[ -f "$LOCAL_JAR" ] || { echo "clients: $LOCAL_JAR is missing; build it: ./mvnw -pl clients -am verify" >&2; exit 1; }
PORT=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
BASE_URL="http://127.0.0.1:$PORT"
rm -rf target/local-data
# 5-second rate-limit windows, so the browser test waits out a real 429 in seconds, not a minute; auth's limit
# raised because every test signs up and logs in from the one address.
PADDOCK_PORT=$PORT PADDOCK_DATA_DIR=target/local-data PADDOCK_RATE_LIMITS_POLICIES='{window: 5s, categories: {auth: {limit: 100}}}' \
    "${JAVA_HOME:+$JAVA_HOME/bin/}java" -XX:TieredStopAtLevel=1 -jar "$LOCAL_JAR" --seed > target/local.log 2>&1 &
LOCAL_PID=$!
trap 'kill $LOCAL_PID 2>/dev/null; wait $LOCAL_PID 2>/dev/null || true' EXIT INT TERM
echo "clients: local stack at $BASE_URL (log: clients/target/local.log)"
i=0
until node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$BASE_URL/v1/health"; do
    i=$((i + 1))
    if [ $i -gt 180 ] || ! kill -0 $LOCAL_PID 2>/dev/null; then
        tail -n 30 target/local.log >&2; echo "clients: the local stack did not start" >&2; exit 1
    fi
    sleep 1
done

export PADDOCK_BASE_URL="$BASE_URL" PADDOCK_SCREENSHOT="$PWD/target/demo-web-client.png"
echo "clients: the generated client against the local stack"
node --test --test-timeout=120000 --test-reporter=spec target/ts-build/typescript/
echo "clients: the demo web client in headless Chromium ($("$CHROMIUM" --version 2>/dev/null | head -n 1))"
node --test --test-timeout=120000 --test-reporter=spec browser/
echo "clients: screenshot at clients/target/demo-web-client.png"
