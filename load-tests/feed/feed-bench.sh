#!/usr/bin/env bash
# Benchmark (not a test): feed latency on the big seed (1,000,000 posts, 10,000 users). Starts
# ./paddock local --seed=big on a scratch data directory and port with the read/auth rate limits raised
# (every request comes from 127.0.0.1), then runs FeedBench: (a) FeedQueries.home over JDBC, first and
# second page, p50/p95 for random viewers, beside one post read by primary key (the floor); (b) GET
# /v1/feed/users/{handle} and GET /v1/feed/home through
# the HTTP stack, first request (cache miss), second (cache hit) and third with the second's ETag in
# If-None-Match (304, answered from the cached tag) per handle/viewer. Stops the API.
# Usage: load-tests/feed/feed-bench.sh [viewers] [random seed]   (from anywhere; default 200 viewers)
#        load-tests/feed/feed-bench.sh --short   (what .ci/run runs: 5 viewers, the same status checks — every
#        miss and hit a 200, every revalidation a 304 — and no figures file; the big seed still loads, ~1 min)
# The series' p50/p95/p99 go to load-tests/target/feed-bench.txt as latency lines for load-tests/chart/chart.sh.
#   PADDOCK_BENCH_PORT (default 3922); PADDOCK_BENCH_DATA_DIR keeps the seeded database between runs
#   (the first run spends about a minute loading it; later runs skip that).
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/local-api.sh
# Maven and the JVMs run on the JDK 21+ that ./paddock uses (the default java may be older).
JAVA_HOME=$(./paddock java-home) || exit 2
export JAVA_HOME
figures=load-tests/target/feed-bench.txt
if [ "${1:-}" = --short ]; then
    viewers=5 seed=2026 figures=
else
    viewers=${1:-200}
    seed=${2:-2026}
fi
port=${PADDOCK_BENCH_PORT:-3922}
scratch=$(mktemp -d)
data=${PADDOCK_BENCH_DATA_DIR:-$scratch/data}
pid=
trap '[ -n "$pid" ] && { kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; }; rm -rf "$scratch"' EXIT

# Tests are not needed to measure (and need not compile): maven.test.skip.
./mvnw -B -q -Dmaven.test.skip=true -pl load-tests,infra/local -am install
./mvnw -B -q -pl load-tests dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=runtime

PADDOCK_PORT=$port PADDOCK_DATA_DIR="$data" \
PADDOCK_RATE_LIMITS_POLICIES="{categories: {read: {limit: 1000000, burst: 1000000}, auth: {limit: 1000000, burst: 1000000}}}" \
    ./paddock local --seed=big > "$scratch/log" 2>&1 &
pid=$!
wait_until_ready "$scratch/log" "$pid"
grep "big data" "$scratch/log" || true

# The embedded PostgreSQL picks a free port; postmaster.pid says which (its 4th line).
pg_port=$(sed -n 4p "$data/postgres/postmaster.pid")
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
"$JAVA" -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "load-tests/target/classes:$(cat load-tests/target/bench-classpath.txt)" io.paddock.bench.FeedBench \
    "postgres://postgres@127.0.0.1:$pg_port/postgres" "http://127.0.0.1:$port" "$viewers" "$seed" $figures
