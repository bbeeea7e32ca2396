#!/usr/bin/env bash
# The latency chart of load-tests/README.md from the last simulation runs' figures (load-tests/target/gatling/*.txt):
#   load-tests/chart/chart.sh [out.png]   (default load-tests/latency.png)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=$(./paddock java-home) || exit 2
"$JAVA_HOME/bin/java" -Djava.awt.headless=true load-tests/chart/LatencyChart.java load-tests/target/gatling "${1:-load-tests/latency.png}"
