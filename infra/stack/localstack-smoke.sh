#!/usr/bin/env bash
# Deploys the translated template.yaml, with the built zips, into LocalStack (a Docker container on
# 127.0.0.1:4566) and waits for CREATE_COMPLETE: the GitHub Actions workflow's smoke test. Where there is
# no Docker engine (this project's own machines) it says so and exits 0 - the moto deploy of
# infra/stack's DeploySmokeTest is the check that always runs.
#
# With LOCALSTACK_AUTH_TOKEN the Pro image is used (RDS, RDS Proxy, ElastiCache Serverless, CloudFront
# and WAF are Pro features); the community image skips those resource types, and the custom resources
# (whose functions need the database) are left out of the template, as the moto deploy leaves them out.
#
# Needs: docker, python3 with aws-sam-translator, boto3 and moto (its CloudFormation model, for
# moto_deploy.py's helpers), and the zips (./paddock build).
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
import json, os, sys, time, boto3
sys.path.insert(0, "infra/stack/src/test/python")
from moto_deploy import is_custom_resource, placeholder, rewrite_references
work = sys.argv[1]
endpoint = "http://127.0.0.1:4566"
if not os.environ.get("LOCALSTACK_AUTH_TOKEN"):
    # The community image skips the database, proxy and cache, so the custom resources (migrations, the
    # configuration digest) would invoke functions that cannot reach them and fail the stack: leave them out,
    # as the moto deploy does, and say so.
    template = json.load(open(f"{work}/stack.json"))
    resources = template["Resources"]
    custom = [logical_id for logical_id, r in resources.items() if is_custom_resource(r["Type"])]
    for logical_id in custom:
        del resources[logical_id]
    replacements = {logical_id: placeholder(logical_id) for logical_id in custom}
    for logical_id, resource in list(resources.items()):
        resource = rewrite_references(resource, replacements)
        depends_on = resource.get("DependsOn")
        if depends_on is not None:
            resource["DependsOn"] = [d for d in ([depends_on] if isinstance(depends_on, str) else depends_on) if d in resources]
        resources[logical_id] = resource
    if "Outputs" in template:
        template["Outputs"] = rewrite_references(template["Outputs"], replacements)
    json.dump(template, open(f"{work}/stack.json", "w"))
    print(f"localstack-smoke: community image: custom resources left out: {', '.join(custom)}")
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
