"""Deploy a translated (plain CloudFormation) template into a running moto_server, and say what it made.

Usage: python3 moto_deploy.py ENDPOINT TEMPLATE_JSON PARAMETERS_JSON CODE_BUCKET ARTIFACT_ROOT DEADLINE_SECONDS
  ENDPOINT          http://127.0.0.1:PORT of a moto_server the caller started (and stops)
  TEMPLATE_JSON     the output of sam_translate.py
  PARAMETERS_JSON   one JSON object of parameter name -> value (a list becomes a comma-separated value)
  CODE_BUCKET       the bucket sam_translate.py pointed the code at; created here
  ARTIFACT_ROOT     the directory the S3 keys of the code are relative to (the repository root)
  DEADLINE_SECONDS  how long to wait for the stack to leave CREATE_IN_PROGRESS

Writes one JSON report on stdout (see `report` in main); errors go to stderr with exit status 1.
The caller sets the region (AWS_DEFAULT_REGION=us-east-1) and fake credentials in the environment.

What moto 5.2.1 does with a template, and what this script does about it (MOTO-COVERAGE.md has a run):
- A type moto has no CloudFormation model for is skipped with a log warning, and the stack still
  completes. But a Ref to such a resource resolves to nothing, moto drops the property that held it, and a
  resource that needs the property fails with an HTTP 500 (a Lambda permission on an alias: KeyError
  'FunctionName'; an event rule targeting one: KeyError 'Arn'); a Fn::GetAtt (or ${X.Attr} in a Sub) on
  it fails create_stack ("references undefined resource"), in Outputs with a 500. So references to what
  moto skips are rewritten before create_stack: through a stand-in where one keeps the dependent
  meaningful (STAND_INS), otherwise to an ARN-shaped placeholder (so that !Split/!Select on an ARN
  still work). The skipped resources stay in the template: moto itself decides to skip them.
- Custom resources (Custom::*, AWS::CloudFormation::CustomResource): moto invokes the backing Lambda in a
  Docker container and waits for its cfn-response. Without Docker nothing ever answers and the stack stays
  CREATE_IN_PROGRESS, so they are removed, and references to them become placeholders.
- Properties moto needs although CloudFormation does not (MOTO_PATCHES) are filled in.
Everything removed, rewritten or patched is listed in the report, so the caller can print it.
"""

import json
import logging
import os
import re
import sys
import time

import boto3
from botocore.config import Config
from botocore.parsers import ResponseParserError

from moto.cloudformation.parsing import resource_class_from_type

# Asking moto which types it models makes it log a warning per unmodelled type; the report lists them once.
logging.getLogger("moto").setLevel(logging.ERROR)

# moto's default account; the region is the one the caller sets.
PLACEHOLDER_ARN = "arn:aws:moto-placeholder:us-east-1:123456789012:{logical_id}:{attribute}"

# No retries: moto answers a resource it cannot create with a 500, and a retried create_stack would only
# add "stack already exists" to the story.
REQUEST_TIMEOUTS = Config(connect_timeout=5, read_timeout=60, retries={"mode": "standard", "total_max_attempts": 1})


def function_arn_of_alias(alias):
    """An alias's Ref is its ARN (the function's ARN + ':' + name); the function's own ARN is the nearest
    thing moto has, since it models functions and versions but not aliases."""
    function = alias["Properties"]["FunctionName"]
    if isinstance(function, dict) and list(function) == ["Ref"]:
        return {"Fn::GetAtt": [function["Ref"], "Arn"]}
    return function  # already a name or an ARN


# Type moto does not model -> what stands in for a Ref to it, computed from that resource: a permission or
# an event-rule target on an alias then lands on a function moto knows, instead of failing.
STAND_INS = {
    "AWS::Lambda::Alias": function_arn_of_alias,
}


def aurora_instance_engine_version(logical_id, resource, resources):
    """An Aurora DB instance takes its engine version from its cluster, so templates leave EngineVersion out;
    moto has no default version for aurora-* engines and fails create_stack (KeyError 'aurora-postgresql')."""
    properties = resource.get("Properties") or {}
    if not str(properties.get("Engine", "")).startswith("aurora") or "EngineVersion" in properties:
        return None
    cluster_ref = properties.get("DBClusterIdentifier")
    cluster = resources.get(cluster_ref["Ref"]) if isinstance(cluster_ref, dict) and "Ref" in cluster_ref else None
    version = ((cluster or {}).get("Properties") or {}).get("EngineVersion", "0")
    properties["EngineVersion"] = version
    return f"EngineVersion = {json.dumps(version)} (from its cluster)"


# Type -> function(logical id, resource, all resources) that patches the resource in place for moto and says
# how, or returns None when it has nothing to do.
MOTO_PATCHES = {
    "AWS::RDS::DBInstance": aurora_instance_engine_version,
}


def is_custom_resource(resource_type):
    return resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource"


def moto_creates(resource_type):
    """Whether moto's CloudFormation creates resources of this type (asked of the installed moto, the one
    moto_server runs)."""
    return not is_custom_resource(resource_type) and resource_class_from_type(resource_type) is not None


def placeholder(logical_id, attribute="Ref"):
    return PLACEHOLDER_ARN.format(logical_id=logical_id, attribute=attribute)


def rewrite_references(node, replacements):
    """A copy of node in which Ref, Fn::GetAtt and ${...} in Fn::Sub that name a resource in replacements
    are rewritten. replacements: logical id -> the value that stands in for its Ref."""
    if isinstance(node, list):
        return [rewrite_references(item, replacements) for item in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (function, argument), = node.items()
        if function == "Ref" and argument in replacements:
            return replacements[argument]
        if function == "Fn::GetAtt":
            logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
            if logical_id in replacements:
                return placeholder(logical_id, attribute)
        if function == "Fn::Sub":
            text, variables = (argument, {}) if isinstance(argument, str) else argument

            def substitute(match):
                name = match.group(1)
                logical_id, _, attribute = name.partition(".")
                if name in variables or logical_id not in replacements:
                    return match.group(0)
                if attribute:
                    return placeholder(logical_id, attribute)
                value = replacements[logical_id]
                if isinstance(value, dict) and list(value) == ["Fn::GetAtt"]:
                    return "${" + ".".join(value["Fn::GetAtt"]) + "}"  # a stand-in stays a Sub variable
                if isinstance(value, dict) and list(value) == ["Ref"]:
                    return "${" + value["Ref"] + "}"
                return value if isinstance(value, str) else placeholder(logical_id)

            new_text = re.sub(r"\$\{([^!}][^}]*)\}", substitute, text)
            new_variables = rewrite_references(variables, replacements)
            return {"Fn::Sub": [new_text, new_variables] if new_variables else new_text}
    return {key: rewrite_references(value, replacements) for key, value in node.items()}


def prepare_for_moto(template):
    """Remove custom resources, rewrite references to what moto will not create, apply MOTO_PATCHES.
    Returns (removed, rewritten, patched): lists of {logicalId, type, why|how}."""
    resources = template["Resources"]
    removed, rewritten, patched = [], [], []
    replacements = {}
    for logical_id, resource in list(resources.items()):
        resource_type = resource["Type"]
        if moto_creates(resource_type):
            continue
        if is_custom_resource(resource_type):
            del resources[logical_id]
            removed.append({"logicalId": logical_id, "type": resource_type,
                            "why": "custom resource: moto invokes its Lambda in Docker and waits for a "
                                   "cfn-response that never comes here (the stack would stay CREATE_IN_PROGRESS)"})
        stand_in = STAND_INS.get(resource_type)
        replacements[logical_id] = stand_in(resource) if stand_in else placeholder(logical_id)
        rewritten.append({"logicalId": logical_id, "type": resource_type,
                          "how": f"Ref -> {json.dumps(replacements[logical_id])}"
                                 + (" (stand-in)" if stand_in else "")
                                 + f", GetAtt -> {placeholder(logical_id, '<attribute>')}"})

    # Patches first: they may follow references that the rewriting replaces.
    for logical_id, resource in resources.items():
        patch = MOTO_PATCHES.get(resource["Type"])
        how = patch(logical_id, resource, resources) if patch else None
        if how:
            patched.append({"logicalId": logical_id, "type": resource["Type"], "how": how})
    for logical_id in list(resources):
        resource = rewrite_references(resources[logical_id], replacements)
        depends_on = resource.get("DependsOn")
        if depends_on is not None:
            resource["DependsOn"] = [d for d in ([depends_on] if isinstance(depends_on, str) else depends_on)
                                     if d in resources]
        resources[logical_id] = resource
    if "Outputs" in template:
        template["Outputs"] = rewrite_references(template["Outputs"], replacements)
    return removed, rewritten, patched


def parameter_values(template, parameters):
    """Parameter name -> value as CloudFormation sees it: given, else the default; lists comma-joined."""
    values = {name: spec.get("Default") for name, spec in (template.get("Parameters") or {}).items()}
    values.update(parameters)
    return {name: ",".join(value) if isinstance(value, list) else None if value is None else str(value)
            for name, value in values.items()}


def false_conditions(template, parameters):
    """Names of the template's conditions that are false for these parameter values."""
    values = parameter_values(template, parameters)
    conditions = template.get("Conditions") or {}
    results = {}

    def value(node):
        if isinstance(node, dict) and list(node) == ["Ref"] and node["Ref"] in values:
            return values[node["Ref"]]
        if isinstance(node, (str, int, float, bool)):
            return str(node).lower() if isinstance(node, bool) else str(node)
        raise ValueError(f"cannot evaluate {json.dumps(node)} in a condition here; extend false_conditions()")

    def holds(node):
        (function, argument), = node.items()
        if function == "Condition":
            return evaluate(argument)
        if function == "Fn::Equals":
            return value(argument[0]) == value(argument[1])
        if function == "Fn::Not":
            return not holds(argument[0])
        if function == "Fn::And":
            return all(holds(item) for item in argument)
        if function == "Fn::Or":
            return any(holds(item) for item in argument)
        raise ValueError(f"cannot evaluate {function} in a condition here; extend false_conditions()")

    def evaluate(name):
        if name not in results:
            results[name] = holds(conditions[name])
        return results[name]

    return sorted(name for name in conditions if not evaluate(name))


def code_locations(template):
    """(bucket, key) of every S3 code location in the template: Lambda functions and layers."""
    locations = set()
    for resource in template["Resources"].values():
        properties = resource.get("Properties") or {}
        code = {"AWS::Lambda::Function": properties.get("Code"),
                "AWS::Lambda::LayerVersion": properties.get("Content")}.get(resource["Type"])
        if isinstance(code, dict) and isinstance(code.get("S3Key"), str):
            locations.add((code["S3Bucket"], code["S3Key"]))
    return sorted(locations)


def main(argv):
    if len(argv) != 7:
        sys.stderr.write(__doc__)
        return 2
    endpoint, template_path, parameters_path, bucket, artifact_root, deadline_seconds = argv[1:]
    with open(template_path, encoding="utf-8") as f:
        template = json.load(f)
    with open(parameters_path, encoding="utf-8") as f:
        parameters = json.load(f)

    template_resources = {logical_id: {"type": resource["Type"], "condition": resource.get("Condition")}
                          for logical_id, resource in template["Resources"].items()}
    conditions_false = false_conditions(template, parameters)
    removed, rewritten, patched = prepare_for_moto(template)

    s3 = boto3.client("s3", endpoint_url=endpoint, config=REQUEST_TIMEOUTS)
    cloudformation = boto3.client("cloudformation", endpoint_url=endpoint, config=REQUEST_TIMEOUTS)

    s3.create_bucket(Bucket=bucket)
    uploaded = []
    for code_bucket, key in code_locations(template):
        if code_bucket != bucket:
            raise ValueError(f"code at s3://{code_bucket}/{key} is not in the deploy bucket {bucket}")
        path = os.path.join(artifact_root, key)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: the template deploys it, but it is not built (./mvnw package)")
        s3.upload_file(path, bucket, key)
        uploaded.append(key)

    stack_name = "paddock-smoke"
    started = time.monotonic()
    try:
        cloudformation.create_stack(
            StackName=stack_name, TemplateBody=json.dumps(template),
            Parameters=[{"ParameterKey": name, "ParameterValue": value}
                        for name, value in parameter_values({}, parameters).items()],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"])
    except ResponseParserError as e:
        raise RuntimeError("moto answered create_stack with an HTTP 500: it failed on one of the resources;"
                           " the Python exception at the end of moto_server's log says which property") from e
    deadline = started + float(deadline_seconds)
    while True:
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
        if not stack["StackStatus"].endswith("_IN_PROGRESS") or time.monotonic() > deadline:
            break
        time.sleep(0.5)

    summaries = cloudformation.list_stack_resources(StackName=stack_name)["StackResourceSummaries"]
    events = cloudformation.describe_stack_events(StackName=stack_name)["StackEvents"]
    report = {
        "stackStatus": stack["StackStatus"],
        "stackStatusReason": stack.get("StackStatusReason"),
        "seconds": round(time.monotonic() - started, 1),
        "uploaded": uploaded,
        "templateResources": template_resources,
        "falseConditions": conditions_false,
        "removed": removed,
        "rewritten": rewritten,
        "patched": patched,
        # moto lists a resource it skipped as an entry without a logical id; only real ones are kept.
        "resources": [{"logicalId": r["LogicalResourceId"], "type": r["ResourceType"],
                       "physicalId": r.get("PhysicalResourceId", ""), "status": r["ResourceStatus"]}
                      for r in summaries if r.get("LogicalResourceId")],
        "failedEvents": [{"logicalId": e["LogicalResourceId"], "status": e["ResourceStatus"],
                          "reason": e.get("ResourceStatusReason")}
                         for e in events if "FAILED" in e["ResourceStatus"]],
        "outputs": {o["OutputKey"]: o.get("OutputValue") for o in stack.get("Outputs", [])},
    }
    json.dump(report, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # the caller shows this beside moto_server's log; one line says more than a trace
        sys.stderr.write(f"{type(e).__name__}: {e}\n")
        sys.exit(1)
