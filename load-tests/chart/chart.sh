#!/usr/bin/env bash
# The latency chart of load-tests/README.md from the last runs' figures: the simulations' (load-tests/target/gatling/
# *.txt), the feed benchmark's (load-tests/target/feed-bench.txt) and the JMH benchmarks' results
# (load-tests/target/limiter-*.txt, ingest.txt); whichever of them exist.
#   load-tests/chart/chart.sh [out.png]   (default load-tests/latency.png)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=$(./paddock java-home) || exit 2
"$JAVA_HOME/bin/java" -Djava.awt.headless=true load-tests/chart/LatencyChart.java "${1:-load-tests/latency.png}" \
    load-tests/target/gatling load-tests/target/feed-bench.txt load-tests/target/limiter-1-thread.txt \
    load-tests/target/limiter-8-threads.txt load-tests/target/ingest.txt
