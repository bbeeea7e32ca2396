#!/usr/bin/env bash
# Deploys the translated template.yaml, with the built zips, into LocalStack (a Docker container on
# 127.0.0.1:4566) and waits for CREATE_COMPLETE: the GitHub Actions workflow's smoke test. Where there is
# no Docker engine (this project's own machines) it says so and exits 0 - the moto deploy of
# infra/stack's DeploySmokeTest is the check that always runs.
#
# With LOCALSTACK_AUTH_TOKEN the Pro image is used (RDS, RDS Proxy, ElastiCache Serverless, CloudFront
# and WAF are Pro features); the community image skips those resource types.
#
# Needs: docker, python3 with aws-sam-translator and boto3, and the zips (./paddock build).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    echo "localstack-smoke: skipped - no Docker engine here (DeploySmokeTest's moto deploy covers the template)"
    exit 0
fi
for zip in functions/feed functions/auth functions/ratelimit functions/telemetry infra/db; do
    [ -f "$zip/target/function.zip" ] || { echo "localstack-smoke: $zip/target/function.zip missing: run ./paddock build" >&2; exit 1; }
done

image=localstack/localstack:4
[ -n "${LOCALSTACK_AUTH_TOKEN:-}" ] && image=localstack/localstack-pro:4
name=paddock-localstack-$$
docker run -d --rm --name "$name" -p 127.0.0.1:4566:4566 \
    -e LOCALSTACK_AUTH_TOKEN="${LOCALSTACK_AUTH_TOKEN:-}" \
    -e CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES=1 \
    -v /var/run/docker.sock:/var/run/docker.sock "$image" >/dev/null
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT

for _ in $(seq 1 90); do
    curl -fs http://127.0.0.1:4566/_localstack/health >/dev/null 2>&1 && break
    sleep 2
done

work=$(mktemp -d)
export AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
cat > "$work/parameters.json" <<'JSON'
{"Stage": "staging",
 "OriginVerifySecret": "0123456789abcdef0123456789abcdef0123456789abcdef",
 "SigningKeysSecretArn": "arn:aws:secretsmanager:us-east-1:000000000000:secret:paddock-signing-AbCdEf",
 "VerificationKeys": "{\"keys\":[]}"}
JSON
python3 infra/stack/src/test/python/sam_translate.py template.yaml "$work/parameters.json" paddock-code > "$work/stack.json"

python3 - "$work" <<'PY'
import json, sys, time, boto3
work = sys.argv[1]
endpoint = "http://127.0.0.1:4566"
s3 = boto3.client("s3", endpoint_url=endpoint)
cfn = boto3.client("cloudformation", endpoint_url=endpoint)
s3.create_bucket(Bucket="paddock-code")
for path in ["functions/feed", "functions/auth", "functions/ratelimit", "functions/telemetry", "infra/db"]:
    s3.upload_file(f"{path}/target/function.zip", "paddock-code", f"{path}/target/function.zip")
parameters = json.load(open(f"{work}/parameters.json"))
cfn.create_stack(StackName="paddock-smoke", TemplateBody=open(f"{work}/stack.json").read(),
                 Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
                 Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
deadline = time.time() + 1200
status = ""
while time.time() < deadline:
    status = cfn.describe_stacks(StackName="paddock-smoke")["Stacks"][0]["StackStatus"]
    if not status.endswith("IN_PROGRESS"):
        break
    time.sleep(5)
resources = cfn.list_stack_resources(StackName="paddock-smoke")["StackResourceSummaries"]
for r in resources:
    print(f'{r["LogicalResourceId"]:40} {r["ResourceType"]:40} {r["ResourceStatus"]} {r.get("ResourceStatusReason", "")}')
print(f"localstack-smoke: {status}, {len(resources)} resources")
sys.exit(0 if status == "CREATE_COMPLETE" else 1)
PY
