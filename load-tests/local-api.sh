# Sourced by the benchmark scripts that start ./paddock local in the background.
# wait_until_ready LOG PID: returns once the local API's log says it is ready; exits the script with the log when
# the API stops first or is not ready within 15 minutes (loading the big seed comes before the API listens).
wait_until_ready() {
    for _ in $(seq 1 1800); do
        grep -q "ready at" "$1" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || { cat "$1" >&2; echo "the local API stopped before it was ready" >&2; exit 1; }
        sleep 0.5
    done
    cat "$1" >&2; echo "the local API did not start" >&2; exit 1
}
