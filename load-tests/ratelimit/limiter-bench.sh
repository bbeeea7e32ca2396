#!/usr/bin/env bash
# Benchmark (not a test): L1 limiter checks/s against embedded Redis next to a raw EVALSHA of a trivial
# script, same client, same run (JMH; LimiterBenchmark). Prints JMH's table for 1 and 8 client threads.
# Usage: load-tests/ratelimit/limiter-bench.sh [extra JMH options]
set -euo pipefail
cd "$(dirname "$0")/../.."
# Maven and the JVMs run on the JDK 21+ that ./paddock uses (the default java may be older).
JAVA_HOME=$(./paddock java-home) || exit 2
export JAVA_HOME
./mvnw -B -q -DskipTests -pl load-tests -am install
./mvnw -B -q -pl load-tests exec:exec -Dbench.args="LimiterBenchmark -t 1 -rf text -rff target/limiter-1-thread.txt $*"
./mvnw -B -q -pl load-tests exec:exec -Dbench.args="LimiterBenchmark -t 8 -rf text -rff target/limiter-8-threads.txt $*"
echo "== 1 thread";  cat load-tests/target/limiter-1-thread.txt
echo "== 8 threads"; cat load-tests/target/limiter-8-threads.txt
