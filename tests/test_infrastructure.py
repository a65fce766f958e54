"""The scale path: ask-resources.json and infrastructure/cfn-deployer/skill-stack.yaml, and the
Lambda zip they deploy.

  - the template passes cfn-lint (and cfn-lint would catch a broken one);
  - the template deploys to moto's CloudFormation, as a server on loopback, with the zip from
    `make lambda-zip` in S3, and the table, function, trigger and log group exist as intended;
    what moto does not model (the function's architecture, the table's TTL, the trigger's skill id)
    is read from the template itself;
  - the zip's handler answers a LaunchRequest in a clean interpreter whose only path besides the
    standard library is the unpacked zip. The arm64 zip cannot run on an x86_64 machine, so that
    run uses the same build for this machine's platform, and the arm64 zip is checked to hold the
    same files with aarch64 binaries.
"""
from __future__ import annotations

import ast
import base64
import hashlib
import json
import subprocess
import sys
import urllib.parse
import zipfile
from pathlib import Path

import pytest

from skill import paths
from skill.adapters import lambda_zip
from skill.adapters.retention import TTL_ATTRIBUTE
from tests.test_coach_memory import aws_test_credentials, dynamodb_endpoint  # noqa: F401  (fixtures)

ROOT = paths.ROOT
TEMPLATE = ROOT / "infrastructure" / "cfn-deployer" / "skill-stack.yaml"
SKILL_ID = "amzn1.ask.skill.12345678-aaaa-bbbb-cccc-1234567890ab"
ELF_MACHINE = {62: "x86_64", 183: "aarch64"}


def _template() -> dict:
    from cfnlint.decode import decode_str
    template, problems = decode_str(TEMPLATE.read_text(encoding="utf-8"))
    assert not problems, problems
    return template


# ---------------------------------------------------------------- the template, read and linted

def test_the_template_passes_cfn_lint():
    linter = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(linter), str(TEMPLATE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_would_catch_a_broken_template(tmp_path):
    broken = tmp_path / "skill-stack.yaml"
    broken.write_text(TEMPLATE.read_text(encoding="utf-8").replace("BillingMode: PAY_PER_REQUEST", "BillingMode: ON_DEMAND"),
                      encoding="utf-8")
    result = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")), str(broken)], capture_output=True, text=True)
    assert result.returncode != 0 and "ON_DEMAND" in result.stdout


def test_the_template_asks_for_what_the_issue_asks():
    resources = _template()["Resources"]
    parameters = _template()["Parameters"]
    function = resources["Function"]["Properties"]
    assert function["Architectures"] == ["arm64"]
    assert function["Runtime"] == {"Ref": "LambdaRuntime"} and parameters["LambdaRuntime"]["AllowedValues"] == ["python3.11"]
    assert function["Handler"] == {"Ref": "LambdaHandler"} and parameters["LambdaHandler"]["Default"] == lambda_zip.HANDLER
    assert function["Environment"]["Variables"] == {"ALEXA_SKILL_ID": {"Ref": "SkillId"}, "HAMSTRING_TABLE": {"Ref": "Table"}}
    assert function["Timeout"] <= 8
    table = resources["Table"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    trigger = resources["AlexaTrigger"]["Properties"]
    assert trigger["Principal"] == "alexa-appkit.amazon.com" and trigger["EventSourceToken"] == {"Ref": "SkillId"}
    assert trigger["Action"] == "lambda:InvokeFunction"
    assert resources["LogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionInDays"}
    assert parameters["LogRetentionInDays"]["Default"] == 14
    statements = resources["FunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert statements[0]["Action"] == ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
    assert statements[0]["Resource"] == {"Fn::GetAtt": ["Table", "Arn"]}
    assert _template()["Outputs"]["SkillEndpoint"]["Value"] == {"Fn::GetAtt": ["Function", "Arn"]}


def test_ask_resources_points_at_what_the_makefile_builds():
    resources = json.loads((ROOT / "ask-resources.json").read_text(encoding="utf-8"))
    profile = resources["profiles"]["default"]
    infrastructure = profile["skillInfrastructure"]
    assert infrastructure["type"] == "@ask-cli/cfn-deployer"
    config = infrastructure["userConfig"]
    assert (ROOT / config["templatePath"]).resolve() == TEMPLATE
    assert config["runtime"] == "python3.11" and config["handler"] == lambda_zip.HANDLER
    assert set(config["cfn"]["parameters"]) <= set(_template()["Parameters"])
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    code = profile["code"]["default"]["src"].removeprefix("./")
    package = profile["skillMetadata"]["src"].removeprefix("./")
    assert f"--tree {code}" in makefile                      # make lambda-zip fills the code folder
    assert f"package {package.removesuffix('/skill-package')}" in makefile   # make package writes the skill package
    function_name = config["cfn"]["parameters"]["FunctionName"]
    assert f"function:{function_name}" in (ROOT / "README.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the zips

@pytest.fixture(scope="module")
def zips(tmp_path_factory):
    """The arm64 zip exactly as `make lambda-zip` builds it, and the same build for this machine."""
    out = tmp_path_factory.mktemp("lambda")
    arm = lambda_zip.build(out / "arm64.zip")
    host = lambda_zip.build(out / "host.zip", platform=lambda_zip.host_platform())
    return arm, host


def _machines(archive: zipfile.ZipFile) -> dict[str, str]:
    found = {}
    for name in archive.namelist():
        if name.endswith(".so") or ".so." in name:
            header = archive.read(name)[:20]
            assert header[:4] == b"\x7fELF", name
            found[name] = ELF_MACHINE.get(int.from_bytes(header[18:20], "little"), "other")
    return found


def test_the_lambda_zip_is_built_for_arm64(zips):
    arm, host = zips
    with zipfile.ZipFile(arm) as archive, zipfile.ZipFile(host) as other:
        machines = _machines(archive)
        assert machines and set(machines.values()) == {"aarch64"}, machines
        names = set(archive.namelist())
        assert "skill/lambda_function.py" in names and "content/routines.yaml" in names
        assert "interaction_model/nl-NL.json" in names and "content/privacy.yaml" in names
        assert not any(n.startswith(("boto3/", "botocore/", "flask/", "moto/", "PIL/")) for n in names)
        # Bytecode for Python 3.11 beside every module, with unchecked hashes (PEP 552 flags 0b01),
        # and the compiled content snapshot.
        modules = [n for n in names if n.endswith(".py") and n.startswith(("skill/", "ask_sdk_core/", "yaml/"))]
        for module in modules:
            folder, _, file = module.rpartition("/")
            cached = f"{folder}/__pycache__/{file[:-3]}.cpython-311.pyc"
            assert cached in names, cached
            assert int.from_bytes(archive.read(cached)[4:8], "little") == 0b01, cached
        assert "build/content.pickle" in names
        # The same files as the build for this machine, apart from the platform in binary names.
        host_tag = lambda_zip.host_platform().split("_", 1)[1]
        normalised = {n.replace(host_tag, "aarch64") for n in other.namelist() if "/RECORD" not in n and "/WHEEL" not in n}
        assert {n for n in names if "/RECORD" not in n and "/WHEEL" not in n} == normalised


def test_the_unpacked_zip_answers_a_launch_request_in_a_clean_interpreter(zips, tmp_path):
    _, host = zips
    unpacked = tmp_path / "task"                      # Lambda unpacks the zip to /var/task
    with zipfile.ZipFile(host) as archive:
        archive.extractall(unpacked)
    # The shipped bytecode is what runs: a line added to a source afterwards is never executed.
    with open(unpacked / "skill" / "voice" / "app.py", "a", encoding="utf-8") as source:
        source.write("\nRAN_FROM_SOURCE = True\n")
    event = {
        "version": "1.0",
        "session": {"new": True, "sessionId": "amzn1.echo-api.session.1", "attributes": {},
                    "application": {"applicationId": SKILL_ID}, "user": {"userId": "amzn1.ask.account.TEST"}},
        "context": {"System": {"application": {"applicationId": SKILL_ID}, "user": {"userId": "amzn1.ask.account.TEST"},
                               "device": {"deviceId": "amzn1.ask.device.TEST", "supportedInterfaces": {}},
                               "apiEndpoint": "https://api.eu.amazonalexa.com"}},
        "request": {"type": "LaunchRequest", "requestId": "amzn1.echo-api.request.1",
                    "timestamp": "2026-11-29T20:00:00Z", "locale": "nl-NL"},
    }
    program = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(unpacked)!r})\n"
        "module, name = sys.argv[1].rsplit('.', 1)\n"
        "handler = getattr(__import__(module, fromlist=[name]), name)\n"
        "response = handler(json.loads(sys.argv[2]), None)\n"
        "outside = sorted({m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None)\n"
        "                  and 'site-packages' in m.__file__})\n"
        "from skill.voice import app\n"
        "print(json.dumps({'response': response, 'outside': outside, 'path': sys.path,\n"
        "                  'from_source': hasattr(app, 'RAN_FROM_SOURCE'),\n"
        "                  'loaded': sorted(m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'yaml', 'num2words'))}))\n"
    )
    # -I: no PYTHONPATH, no user site; -S: no site-packages. Only the zip and the standard library.
    environment = {"PATH": "/usr/bin:/bin", "ALEXA_SKILL_ID": SKILL_ID, "HAMSTRING_STORE": "none",
                   "AWS_LAMBDA_FUNCTION_NAME": "hamstring-hulp", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-I", "-S", "-c", program, lambda_zip.HANDLER, json.dumps(event)],
                            capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["outside"] == []
    assert report["from_source"] is False
    assert report["loaded"] == [], "the snapshot in the zip is used: no YAML read, no schema, no number words"
    assert not any("site-packages" in p for p in report["path"])
    speech = report["response"]["response"]["outputSpeech"]["ssml"]
    assert "Welkom bij Hamstring Hulp" in speech and "geen diagnose" in speech
    assert report["response"]["response"]["shouldEndSession"] is False


# ---------------------------------------------------------------- deploying the stack to moto

def test_the_stack_deploys_to_moto_cloudformation(zips, dynamodb_endpoint, aws_test_credentials):
    """`dynamodb_endpoint` is a moto_server on loopback; it serves CloudFormation, S3, Lambda, IAM
    and CloudWatch Logs on the same port."""
    import boto3
    arm, _ = zips
    client = lambda service: boto3.client(service, endpoint_url=dynamodb_endpoint, region_name="eu-west-1")
    s3 = client("s3")
    s3.create_bucket(Bucket="ask-hamstring-hulp-artifacts",
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_versioning(Bucket="ask-hamstring-hulp-artifacts", VersioningConfiguration={"Status": "Enabled"})
    upload = s3.put_object(Bucket="ask-hamstring-hulp-artifacts", Key="endpoint/build.zip", Body=arm.read_bytes())
    resources = json.loads((ROOT / "ask-resources.json").read_text(encoding="utf-8"))
    config = resources["profiles"]["default"]["skillInfrastructure"]["userConfig"]
    parameters = {"SkillId": SKILL_ID, "LambdaRuntime": config["runtime"], "LambdaHandler": config["handler"],
                  "CodeBucket": "ask-hamstring-hulp-artifacts", "CodeKey": "endpoint/build.zip",
                  "CodeVersion": upload["VersionId"], **config["cfn"]["parameters"]}
    cloudformation = client("cloudformation")
    cloudformation.create_stack(StackName="ask-hamstring-hulp-default-skillStack",
                                TemplateBody=TEMPLATE.read_text(encoding="utf-8"), Capabilities=["CAPABILITY_IAM"],
                                Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()])
    stack = cloudformation.describe_stacks(StackName="ask-hamstring-hulp-default-skillStack")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}

    table = client("dynamodb").describe_table(TableName="hamstring-hulp")["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert outputs["TableName"] == "hamstring-hulp"

    function = client("lambda").get_function(FunctionName="hamstring-hulp")
    configuration = function["Configuration"]
    assert outputs["SkillEndpoint"] == configuration["FunctionArn"]
    assert configuration["FunctionArn"].endswith(":function:hamstring-hulp")
    assert configuration["Runtime"] == "python3.11" and configuration["Handler"] == "skill.lambda_function.handler"
    assert configuration["Environment"]["Variables"] == {"ALEXA_SKILL_ID": SKILL_ID, "HAMSTRING_TABLE": "hamstring-hulp"}
    assert configuration["Timeout"] == 8 and configuration["MemorySize"] == 512
    assert configuration["CodeSize"] == arm.stat().st_size                # the zip from `make lambda-zip`
    assert configuration["CodeSha256"] == base64.b64encode(hashlib.sha256(arm.read_bytes()).digest()).decode()
    policy = json.loads(client("lambda").get_policy(FunctionName="hamstring-hulp")["Policy"])
    assert [s["Principal"] for s in policy["Statement"]] in ([{"Service": "alexa-appkit.amazon.com"}], ["alexa-appkit.amazon.com"])
    assert [s["Action"] for s in policy["Statement"]] == ["lambda:InvokeFunction"]

    groups = client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/hamstring-hulp")["logGroups"]
    assert [(g["logGroupName"], g["retentionInDays"]) for g in groups] == [("/aws/lambda/hamstring-hulp", 14)]

    role = configuration["Role"].rsplit("/", 1)[1]
    iam = client("iam")
    policies = iam.list_role_policies(RoleName=role)["PolicyNames"]
    document = iam.get_role_policy(RoleName=role, PolicyName=policies[0])["PolicyDocument"]
    if isinstance(document, str):          # moto keeps a template's policy as the text of a Python dict
        text = urllib.parse.unquote(document)
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            document = ast.literal_eval(text)
    actions = {a for s in document["Statement"] for a in s["Action"]}
    assert actions == {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "logs:CreateLogStream", "logs:PutLogEvents"}

