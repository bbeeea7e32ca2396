#!/usr/bin/env bash
# Benchmark (not a test): Lambda cold start of the four function.zip files beside two baselines (a plain
# RequestStreamHandler and a Quarkus hello with one JAX-RS GET). Each round starts every subject once in a fresh
# JVM under the real AWS Lambda runtime interface client, against a Runtime API and embedded stores on
# 127.0.0.1, then times W warm invocations of the same request; every answer is checked. Prints the table of
# README "Lambda cold start" and writes it to load-tests/target/lambda-cold-start.txt.
# Usage: load-tests/lambda/cold-start.sh [rounds] [warm invocations]   (from anywhere; default 10 and 200)
# Builds the zips and the harness when one is missing or older than a source (a reactor `package`: nothing is
# installed into ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-10}
warm=${2:-200}

# The JDK 21+ that ./paddock uses (one finder for every script).
JAVA_HOME=$(./paddock java-home) || exit 2
export JAVA_HOME

classpath=load-tests/target/cold-start.classpath
zips="functions/auth/target/function.zip functions/feed/target/function.zip functions/ratelimit/target/function.zip
      functions/telemetry/target/function.zip load-tests/lambda/plain-handler/target/function.zip
      load-tests/lambda/quarkus-hello/target/function.zip load-tests/lambda/quarkus-stores/target/function.zip"
stale=
for artifact in $classpath $zips; do
    [ -f "$artifact" ] || stale="$artifact is missing"
done
if [ -z "$stale" ] && [ -n "$(find shared functions infra/db infra/embedded load-tests template.yaml pom.xml \
        -path '*/target' -prune -o -type f \( -path '*/src/main/*' -o -name pom.xml -o -name template.yaml \) \
        -newer "$classpath" -print 2>/dev/null | head -n 1)" ]; then
    stale="a source is newer than the last build"
fi
if [ -n "$stale" ]; then
    echo "cold-start.sh: building the zips and the harness ($stale)"
    ./mvnw -B -q -DskipTests -pl load-tests -am package
    # build-classpath leaves an unchanged file untouched; its time is what says the build is current
    touch "$classpath"
fi

cd load-tests
exec "$JAVA_HOME/bin/java" -Djava.util.logging.manager=org.jboss.logmanager.LogManager --enable-native-access=ALL-UNNAMED \
    -cp "target/classes:$(cat target/cold-start.classpath)" io.paddock.bench.lambda.ColdStart "$rounds" "$warm"
