"""Translate a SAM template to plain CloudFormation JSON, offline, as `sam deploy` would have it.

Usage: python3 sam_translate.py TEMPLATE PARAMETERS_JSON CODE_BUCKET
  TEMPLATE         the SAM template (YAML or JSON)
  PARAMETERS_JSON  a file holding one JSON object of parameter name -> value, or a JSON array of such
                   objects to translate the template once for each (one process: samtranslator's import
                   takes most of a second)
  CODE_BUCKET      the S3 bucket that stands for the one `sam deploy` uploads code to

Writes the translated template as JSON on stdout (an array of them for an array of parameter sets);
errors go to stderr with exit status 1.

The region comes from AWS_DEFAULT_REGION (the caller sets it): samtranslator fills AWS::Region and
AWS::Partition from it and builds ARNs with it.

A local CodeUri/ContentUri (a path such as functions/feed/target/function.zip) becomes
s3://CODE_BUCKET/<that path>: the key is the path relative to the template, so whoever uploads the
zips knows the key of each one. Inline code and S3 locations are left alone.
"""

import copy
import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

# The properties that hold a local artifact path, per SAM resource type (what `sam package` rewrites).
ARTIFACT_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
}


class OfflineManagedPolicyLoader:
    """Stands in for samtranslator's IAM-backed ManagedPolicyLoader, which calls iam:ListPolicies.

    samtranslator writes the ARNs of the policies it adds itself (AWSLambdaBasicExecutionRole,
    AWSLambdaVPCAccessExecutionRole, AWSXRayDaemonWriteAccess, ...) without asking the loader, and
    resolves a managed policy *name* in `Policies:` from the map bundled with it. It calls load() only
    for a name that map does not know — which `sam deploy` would look up in IAM. Offline there is no
    answer, and returning nothing would let the bare name through into the translation as if it were an
    ARN, so this fails and names the way out.
    """

    def load(self):
        raise ValueError(
            "the template names a managed policy that samtranslator's bundled policy map does not know; "
            "give its full ARN in Policies instead (arn:${AWS::Partition}:iam::aws:policy/...)"
        )


def is_local_path(value):
    return isinstance(value, str) and not value.startswith("s3://")


def point_artifacts_at_bucket(template, bucket):
    """Rewrite local artifact paths to S3 URIs in place, in Globals and in every resource."""
    def rewrite(properties, resource_type):
        key_property = ARTIFACT_PROPERTIES.get(resource_type)
        if isinstance(properties, dict) and key_property and is_local_path(properties.get(key_property)):
            key = os.path.normpath(properties[key_property]).replace(os.sep, "/")
            properties[key_property] = f"s3://{bucket}/{key}"

    globals_section = template.get("Globals") or {}
    rewrite(globals_section.get("Function"), "AWS::Serverless::Function")
    for resource in (template.get("Resources") or {}).values():
        if isinstance(resource, dict):
            rewrite(resource.get("Properties"), resource.get("Type"))


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    template_path, parameters_path, bucket = argv[1:]
    if not os.environ.get("AWS_DEFAULT_REGION"):
        sys.stderr.write("AWS_DEFAULT_REGION is not set: samtranslator needs a region for ARNs and AWS::Region\n")
        return 2
    with open(template_path, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    with open(parameters_path, encoding="utf-8") as f:
        parameters = json.load(f)
    parameter_sets = parameters if isinstance(parameters, list) else [parameters]
    if not all(isinstance(values, dict) for values in parameter_sets):
        sys.stderr.write(f"{parameters_path}: expected a JSON object of parameter values, or an array of them\n")
        return 2

    point_artifacts_at_bucket(template, bucket)
    # transform() changes its input (and the parameter values: it adds the pseudo parameters): give each a copy.
    translations = [transform(copy.deepcopy(template), dict(values), OfflineManagedPolicyLoader())
                    for values in parameter_sets]
    json.dump(translations if isinstance(parameters, list) else translations[0], sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # samtranslator reports template errors as exceptions; say which, not a traceback
        sys.stderr.write(f"{type(e).__name__}: {e}\n")
        sys.exit(1)
