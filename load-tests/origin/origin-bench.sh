#!/usr/bin/env bash
# Benchmark (not a test): requests/s of the origin's feed cache hit, of its revalidation (304) and of a floor
# that answers the same bytes, with wrk, same machine, same run, rounds alternated.
#   floor     GET /floor of load-tests/origin-floor: Quarkus REST returning the page's bytes, nothing else
#   cache hit GET /v1/feed/users/big_NNNNN of ./paddock local --seed=big (the first big user with a full page of 20
#             posts; many have none): limiter (L0 +
#             Redis), feed cache (Redis), the served-page record (Redis), tag, access log and metrics lines
#   304       the same with the hit's ETag in If-None-Match: the cache compares tags, no body leaves Redis
# Both apps run on the same JVM flags (./paddock local's -XX:TieredStopAtLevel=1), the read limit raised so no
# request is refused (every request comes from 127.0.0.1; the limiter still runs on each).
# Usage: load-tests/origin/origin-bench.sh [rounds] [seconds] [connections]   (default 3 rounds of 10 s, 16 connections)
#        load-tests/origin/origin-bench.sh --short   (1 round of 1 s on the small demo seed: checks the statuses, for CI;
#                                                     no figures to keep)
# PADDOCK_BENCH_DATA_DIR keeps the big seed's database between runs (loading it takes about a minute).
# Prints a table and writes it to load-tests/target/origin-bench.txt. Installs wrk (Debian) when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/local-api.sh
short=false
if [ "${1:-}" = "--short" ]; then
    short=true; rounds=1; seconds=1; connections=4; seed=--seed; handle=grace
else
    rounds=${1:-3}; seconds=${2:-10}; connections=${3:-16}; seed=--seed=big; handle=
fi
JAVA_HOME=$(./paddock java-home) || exit 2
export JAVA_HOME
origin_port=${PADDOCK_BENCH_PORT:-3931}
floor_port=${PADDOCK_FLOOR_PORT:-3933}

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        (apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; })
    elif sudo -n true 2>/dev/null; then
        (sudo apt-get install -y -q wrk >/dev/null 2>&1 || { sudo apt-get update -q >/dev/null && sudo apt-get install -y -q wrk >/dev/null; })
    fi
    command -v wrk >/dev/null 2>&1 || { echo "origin-bench.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
fi

scratch=$(mktemp -d)
origin_pid=; floor_pid=
trap 'for p in $origin_pid $floor_pid; do kill -TERM $p 2>/dev/null || true; wait $p 2>/dev/null || true; done; rm -rf "$scratch"' EXIT

# ./paddock local builds the local app when it is stale; the floor is built here when it is missing or older than
# its sources (after ./mvnw verify, as in CI, neither is).
floor_jar=load-tests/origin-floor/target/quarkus-app/quarkus-run.jar
if [ ! -f "$floor_jar" ] || [ -n "$(find load-tests/origin-floor pom.xml -path '*/target' -prune -o -type f -newer "$floor_jar" -print | head -n 1)" ]; then
    ./mvnw -B -q -Dmaven.test.skip=true -pl load-tests/origin-floor package
fi

data=$scratch/data
[ "$short" = true ] || data=${PADDOCK_BENCH_DATA_DIR:-$data}
PADDOCK_PORT=$origin_port PADDOCK_DATA_DIR="$data" \
PADDOCK_RATE_LIMITS_POLICIES="{categories: {read: {limit: 1000000, burst: 1000000}}}" \
    ./paddock local $seed > "$scratch/origin.log" 2>&1 &
origin_pid=$!
wait_until_ready "$scratch/origin.log" "$origin_pid"

if [ -z "$handle" ]; then
    # The big seed spreads its posts unevenly: the first of its users whose first page is full (20 posts).
    for n in $(seq 1 500); do
        candidate=$(printf 'big_%05d' "$n")
        if [ "$(curl -sS "http://127.0.0.1:$origin_port/v1/feed/users/$candidate" | grep -o '"author"' | wc -l)" -ge 20 ]; then
            handle=$candidate; break
        fi
    done
    [ -n "$handle" ] || { echo "origin-bench.sh: no big user with a full first page among the first 500" >&2; exit 1; }
fi
page=http://127.0.0.1:$origin_port/v1/feed/users/$handle
curl -sS -D "$scratch/headers" -o "$scratch/body" "$page"
grep -q "^HTTP/1.1 200" "$scratch/headers" || { cat "$scratch/headers" >&2; echo "the feed page did not answer 200" >&2; exit 1; }
etag=$(awk 'tolower($1) == "etag:" { sub(/\r$/, "", $2); print $2 }' "$scratch/headers")
[ -n "$etag" ] || { echo "the feed page has no ETag" >&2; exit 1; }

PADDOCK_FLOOR_PORT=$floor_port PADDOCK_FLOOR_BODY="$scratch/body" \
    "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -jar "$floor_jar" \
    > "$scratch/floor.log" 2>&1 &
floor_pid=$!
floor=http://127.0.0.1:$floor_port/floor
for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$floor" && break
    kill -0 $floor_pid 2>/dev/null || { cat "$scratch/floor.log" >&2; exit 1; }
    sleep 0.2
done

# One request of each as a client would see it: the statuses and bytes the figures are about.
cmp -s "$scratch/body" <(curl -sS "$floor") || { echo "the floor does not answer the page's bytes" >&2; exit 1; }
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$page")
[ "$status" = 304 ] || { echo "the revalidation answered $status, not 304" >&2; exit 1; }
printf 'origin bench: %d round(s) of %d s per subject, %d connections, wrk 2 threads; %s, page %d bytes, ETag %s\n' \
    "$rounds" "$seconds" "$connections" "$handle" "$(wc -c < "$scratch/body")" "$etag"

# CPU time (user + system, ms) the process has used so far: requests/s depends on what else the machine runs,
# CPU per request much less.
cpu_ms() {
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) * 1000 / hz }' "/proc/$1/stat"
}

# wrk: requests/s, p50 and p99 (ms), CPU ms of the serving process per request, and every answer with an
# unexpected status counted.
run() { # name url pid [header]
    local out cpu_before cpu_after
    cpu_before=$(cpu_ms "$3")
    if [ -n "${4:-}" ]; then
        out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "$4" "$2")
    else
        out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$2")
    fi
    cpu_after=$(cpu_ms "$3")
    if grep -q "Non-2xx or 3xx" <<<"$out" || grep -q "Socket errors" <<<"$out"; then
        echo "$out" >&2; echo "origin-bench.sh: $1 had errors or refused answers" >&2; exit 1
    fi
    local rps p50 p99 requests cpu
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    cpu=$(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$requests" 'BEGIN { printf "%.4f", (b - a) / n }')
    echo "$1 $rps $cpu $p50 $p99" >> "$scratch/results"
    printf '  round %d  %-9s %10.0f req/s   %7.3f CPU ms/request   p50 %8s   p99 %8s\n' "$round" "$1" "$rps" "$cpu" "$p50" "$p99"
}
# Warm-up (JIT, pools, the cached page), not counted.
warm=$([ "$short" = true ] && echo 1 || echo 5)
wrk -t2 -c"$connections" -d"${warm}s" "$floor" > /dev/null
wrk -t2 -c"$connections" -d"${warm}s" "$page" > /dev/null
wrk -t2 -c"$connections" -d"${warm}s" -H "If-None-Match: $etag" "$page" > /dev/null
: > "$scratch/results"
for round in $(seq 1 "$rounds"); do
    run floor "$floor" "$floor_pid"
    run cache-hit "$page" "$origin_pid"
    run 304 "$page" "$origin_pid" "If-None-Match: $etag"
done

mkdir -p load-tests/target
awk -v rounds="$rounds" -v seconds="$seconds" -v c="$connections" '
    { n[$1]++; r[$1, n[$1]] = $2; u[$1, n[$1]] = $3
      if (!($1 in min) || $2 < min[$1]) min[$1] = $2; if ($2 > max[$1]) max[$1] = $2
      if (!($1 in umin) || $3 < umin[$1]) umin[$1] = $3; if ($3 > umax[$1]) umax[$1] = $3 }
    function median(name, v,   k, i, j, t, a) {
        k = n[name]; for (i = 1; i <= k; i++) a[i] = (v == "r" ? r[name, i] : u[name, i])
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    }
    END {
        printf "\n| subject | req/s (median of %d × %d s, %d connections) | min–max | ÷ floor | CPU ms per request (median) | min–max | ÷ floor |\n|---|---|---|---|---|---|---|\n", rounds, seconds, c
        split("floor cache-hit 304", order, " ")
        for (i = 1; i <= 3; i++) { s = order[i]
            printf "| %s | %.0f | %.0f–%.0f | %.2f | %.3f | %.3f–%.3f | %.1f |\n", s, median(s, "r"), min[s], max[s], median(s, "r") / median("floor", "r"), median(s, "u"), umin[s], umax[s], median(s, "u") / median("floor", "u") }
        printf "\ncache hit ÷ floor, req/s: %.2f (issue 17 goal ≥ 0.5); 304 ÷ cache hit, req/s: %.2f (goal ≥ 2)\n", median("cache-hit", "r") / median("floor", "r"), median("304", "r") / median("cache-hit", "r")
    }' "$scratch/results" | tee load-tests/target/origin-bench.txt
