#!/usr/bin/env bash
# Load simulations (Gatling, Java DSL), one command each; the HTML report goes to load-tests/target/gatling/.
# Usage: load-tests/gatling/run.sh auth-brute-force|feed-scraping|action-spam|scraper|soak [--short]
#   auth-brute-force  issue 17's simulation 1: one address hammers login, every attempt past 20 a minute is a 429,
#                     none a 5xx; the account's owner signs in from another address meanwhile
#   feed-scraping     simulation 2: many viewers read public and home feeds through the edge (big seed; --short: the
#                     small one); p50/p95/p99, hit ratio, origin share, error rate (target/gatling/feed-scraping.txt)
#   action-spam       simulation 3: one user posts actions as fast as it can, every one past the mutation limit is a
#                     429 and none a 5xx; other users' actions succeed meanwhile
#   scraper           simulation 4: one address scrapes many public feed URLs through the edge; prints the share of
#                     its requests that reached the origin (target/gatling/scraper-origin-share.txt)
#   soak              simulation 5: mixed traffic for PADDOCK_SOAK_MINUTES (default 10; --short: 25 s); p95 per
#                     minute, origin heap after GC, PostgreSQL connections, Redis memory (target/gatling/soak.txt)
#   --short           seconds and small counts (what CI can run); the same assertions
# Without PADDOCK_BASE_URL it starts its own stack on scratch data and free ports: ./paddock local --seed
# --behind-edge and ./paddock edge --simulation in front of it (nginx, installed if missing), and stops both
# afterwards. With PADDOCK_BASE_URL (a deployed stage, or your own ./paddock edge --simulation) it only runs the
# simulation against it; a deployed stage sees every simulated viewer as this machine's one address. PADDOCK_SEED=big
# tells feed scraping that such a stack has the big seed's users. PADDOCK_GATLING_OPTS passes a simulation's own
# settings, e.g. '-Dpaddock.seconds=300' (paddock.<name> of each Target.number/Target.seconds in its class).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=$(./paddock java-home) || exit 2
export JAVA_HOME
case "${1:-}" in
    auth-brute-force) class=io.paddock.load.AuthBruteForceSimulation ;;
    feed-scraping) class=io.paddock.load.FeedScrapingSimulation ;;
    action-spam) class=io.paddock.load.ActionSpamSimulation ;;
    scraper) class=io.paddock.load.ScraperSimulation ;;
    soak) class=io.paddock.load.SoakSimulation ;;
    *) sed -n '/^set -euo/q; 2,$p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
short=false
[ "${2:-}" = --short ] && short=true
# Feed scraping's full mode reads the big seed (10,000 users: enough distinct feeds); loading it takes a minute or two.
seed=--seed seed_name=${PADDOCK_SEED:-small}
[ "$1" = feed-scraping ] && [ "$short" = false ] && [ -z "${PADDOCK_BASE_URL:-}" ] && seed=--seed=big seed_name=big

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # file, line, pid
    for _ in $(seq 1 1800); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || { cat "$1" >&2; return 1; }
        sleep 0.5
    done
    cat "$1" >&2; return 1
}

base=${PADDOCK_BASE_URL:-}
local_pid= edge_pid= scratch=
probes=()
cleanup() {
    [ -n "$edge_pid" ] && { kill -TERM "$edge_pid" 2>/dev/null || true; wait "$edge_pid" 2>/dev/null || true; }
    [ -n "$local_pid" ] && { kill -TERM "$local_pid" 2>/dev/null || true; wait "$local_pid" 2>/dev/null || true; }
    [ -n "$scratch" ] && rm -rf "$scratch"
}
trap cleanup EXIT
if [ -z "$base" ]; then
    scratch=$(mktemp -d)
    origin_port=$(free_port); edge_port=$(free_port)
    PADDOCK_PORT=$origin_port PADDOCK_DATA_DIR="$scratch/data" PADDOCK_EDGE_DIR="$scratch/edge" \
        ./paddock local $seed --behind-edge > "$scratch/local.log" 2>&1 &
    local_pid=$!
    wait_for "$scratch/local.log" "ready at" "$local_pid" || { echo "run.sh: the local API did not start" >&2; exit 1; }
    PADDOCK_PORT=$origin_port PADDOCK_EDGE_PORT=$edge_port PADDOCK_EDGE_DIR="$scratch/edge" \
        ./paddock edge --simulation > "$scratch/edge.log" 2>&1 &
    edge_pid=$!
    wait_for "$scratch/edge.log" "edge ready" "$edge_pid" || { echo "run.sh: the edge did not start" >&2; exit 1; }
    base=http://127.0.0.1:$edge_port
    echo "run.sh: $class against $base (origin 127.0.0.1:$origin_port, edge log $scratch/edge/access.log)"
    # The static floor of feed scraping: a copy of a public page, served by the same nginx (simulation edge only).
    # Of the same size as the pages read: big_00002's first page is full (20 posts), like 95 % of the big seed's
    # profile pages (big_00001's posts are all soft-deleted: its page is empty, 30 bytes).
    handle=grace; [ "$seed" = --seed=big ] && handle=big_00002
    mkdir -p "$scratch/edge/simulation-static"
    curl -sf -o "$scratch/edge/simulation-static/feed-page.json" "http://127.0.0.1:$origin_port/v1/feed/users/$handle"
    # What the soak samples: the origin JVM (./paddock local execs java, so its pid is $local_pid), the embedded
    # PostgreSQL (its port is line 4 of postmaster.pid) and the embedded Redis (the redis-server the JVM started).
    postgres_port=$(sed -n 4p "$scratch/data/postgres/postmaster.pid" 2>/dev/null || true)
    redis_pid=$(pgrep -P "$local_pid" redis-server | head -1 || true)
    redis_port=
    [ -n "$redis_pid" ] && redis_port=$(ss -Hltnp 2>/dev/null | awk -v p="pid=$redis_pid," 'index($0, p) { n = split($4, a, ":"); print a[n]; exit }')
    probes=(-Dpaddock.originPid="$local_pid" -Dpaddock.postgresPort="$postgres_port" -Dpaddock.redisPort="$redis_port")
fi
mkdir -p load-tests/target/gatling
./mvnw -B -q -pl load-tests/gatling gatling:test -Dgatling.simulationClass="$class" \
    -Dpaddock.baseUrl="$base" -Dpaddock.short="$short" -Dpaddock.resultsDir="$PWD/load-tests/target/gatling" \
    -Dpaddock.seed="$seed_name" ${PADDOCK_SOAK_MINUTES:+-Dpaddock.soakMinutes="$PADDOCK_SOAK_MINUTES"} "${probes[@]}" \
    ${PADDOCK_GATLING_OPTS:-}
