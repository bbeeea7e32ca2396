#!/usr/bin/env bash
# Load simulations (Gatling, Java DSL), one command each; the HTML report goes to load-tests/target/gatling/.
# Usage: load-tests/gatling/run.sh auth-brute-force|scraper [--short]
#   auth-brute-force  issue 17's simulation 1: one address hammers login, every attempt past 20 a minute is a 429,
#                     none a 5xx; the account's owner signs in from another address meanwhile
#   scraper           simulation 4: one address scrapes many public feed URLs through the edge; prints the share of
#                     its requests that reached the origin (target/gatling/scraper-origin-share.txt)
#   --short           seconds and small counts (what CI can run); the same assertions
# Without PADDOCK_BASE_URL it starts its own stack on scratch data and free ports: ./paddock local --seed
# --behind-edge and ./paddock edge --simulation in front of it (nginx, installed if missing), and stops both
# afterwards. With PADDOCK_BASE_URL (a deployed stage, or your own ./paddock edge --simulation) it only runs the
# simulation against it; a deployed stage sees every simulated viewer as this machine's one address.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=$(./paddock java-home) || exit 2
export JAVA_HOME
case "${1:-}" in
    auth-brute-force) class=io.paddock.load.AuthBruteForceSimulation ;;
    scraper) class=io.paddock.load.ScraperSimulation ;;
    *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
short=false
[ "${2:-}" = --short ] && short=true

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # file, line, pid
    for _ in $(seq 1 360); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || { cat "$1" >&2; return 1; }
        sleep 0.5
    done
    cat "$1" >&2; return 1
}

base=${PADDOCK_BASE_URL:-}
local_pid= edge_pid= scratch=
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
        ./paddock local --seed --behind-edge > "$scratch/local.log" 2>&1 &
    local_pid=$!
    wait_for "$scratch/local.log" "ready at" "$local_pid" || { echo "run.sh: the local API did not start" >&2; exit 1; }
    PADDOCK_PORT=$origin_port PADDOCK_EDGE_PORT=$edge_port PADDOCK_EDGE_DIR="$scratch/edge" \
        ./paddock edge --simulation > "$scratch/edge.log" 2>&1 &
    edge_pid=$!
    wait_for "$scratch/edge.log" "edge ready" "$edge_pid" || { echo "run.sh: the edge did not start" >&2; exit 1; }
    base=http://127.0.0.1:$edge_port
    echo "run.sh: $class against $base (origin 127.0.0.1:$origin_port, edge log $scratch/edge/access.log)"
fi
mkdir -p load-tests/target/gatling
./mvnw -B -q -pl load-tests/gatling gatling:test -Dgatling.simulationClass="$class" \
    -Dpaddock.baseUrl="$base" -Dpaddock.short="$short" -Dpaddock.resultsDir="$PWD/load-tests/target/gatling"
