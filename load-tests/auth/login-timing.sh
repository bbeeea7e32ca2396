#!/usr/bin/env bash
# Benchmark (not a test): median login time of an unknown e-mail vs a wrong password.
# Starts ./paddock local on a scratch data directory and port with the brute-force limits raised
# (otherwise the 21st request from one address, or the 20th failure for one account, is a 429), runs
# LoginTiming.java, stops the API.
# Usage: load-tests/auth/login-timing.sh [rounds]   (from anywhere; default 300 rounds)
#        load-tests/auth/login-timing.sh --short   (what .ci/run runs: 10 rounds, the same status checks — the
#        registration a 201, every unknown e-mail and wrong password a 401)
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/local-api.sh
# Maven and the JVMs run on the JDK 21+ that ./paddock uses (the default java may be older).
JAVA_HOME=$(./paddock java-home) || exit 2
export JAVA_HOME
rounds=${1:-300}
[ "$rounds" = --short ] && rounds=10
port=${PADDOCK_BENCH_PORT:-3921}
scratch=$(mktemp -d)
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$scratch"' EXIT
PADDOCK_PORT=$port PADDOCK_DATA_DIR="$scratch/data" \
PADDOCK_RATE_LIMITS_POLICIES="{categories: {auth: {limit: 1000000, burst: 1000000}}}" PADDOCK_AUTH_LOGIN_BACKOFF_AFTER_FAILURES=1000000 PADDOCK_AUTH_LOGIN_BACKOFF_ACCOUNT_CEILING=1000000 \
    ./paddock local > "$scratch/log" 2>&1 &
pid=$!
wait_until_ready "$scratch/log" "$pid"
JAVA=$JAVA_HOME/bin/java
"$JAVA" load-tests/auth/LoginTiming.java "http://127.0.0.1:$port" "$rounds"
