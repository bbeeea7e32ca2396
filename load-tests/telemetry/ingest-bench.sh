#!/usr/bin/env bash
# Benchmark (not a test): usage-event ingest throughput on an embedded PostgreSQL (migrated like the app's,
# fsync off), in events/s, same run (JMH; IngestBenchmark, one fork per arm, 3 × 5 s warm-up, 5 × 5 s
# measured, each iteration on an emptied usage_events):
#   insertViaEventStore_100  EventStore.insert of 100-event batches as one signed-in user (the app's path:
#                            set_config role paddock_app + app.user_id, multi-row INSERT … ON CONFLICT, RLS)
#   copy_100                 COPY … FROM STDIN of the same 100 rows per transaction, same pool and app.*
#                            settings, but as the login: PostgreSQL refuses COPY FROM under row-level security
#   copy_10000               the ceiling: 10,000 such rows in one COPY
# Usage: load-tests/telemetry/ingest-bench.sh [extra JMH options, e.g. -t 2 or -wi 1 -i 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
# Maven and the JVMs run on the JDK 21+ that ./paddock uses (the default java may be older).
JAVA_HOME=$(./paddock java-home) || exit 2
export JAVA_HOME
# Tests are not needed to measure (and need not compile): maven.test.skip.
./mvnw -B -q -Dmaven.test.skip=true -pl load-tests -am install
./mvnw -B -q -pl load-tests exec:exec -Dbench.args="IngestBenchmark -foe true -rf text -rff target/ingest.txt $*"
echo "== events/s (JMH's ops/s: @OperationsPerInvocation makes one op one event; batches/s = score / batch size)"
cat load-tests/target/ingest.txt
