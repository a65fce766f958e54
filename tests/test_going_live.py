"""README's "Going live" stays true to the files: every make target, command, setting, resource
and figure it names is what the Makefile, the CLI, the code and the stack actually have."""
from __future__ import annotations

import json
import re

import pytest

from skill import paths
from skill.adapters import lambda_zip
from skill.adapters.cli import main
from skill.adapters.retention import RETENTION_DAYS, TTL_ATTRIBUTE

ROOT = paths.ROOT


@pytest.fixture(scope="module")
def section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Going live")
    return readme[start:readme.index("\n## ", start + 5)]


@pytest.fixture(scope="module")
def stack() -> dict:
    from cfnlint.decode import decode_str
    template, _ = decode_str((ROOT / "infrastructure/cfn-deployer/skill-stack.yaml").read_text(encoding="utf-8"))
    return template


def test_every_make_target_exists(section):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    named = set(re.findall(r"`make ([a-z-]+)", section)) | set(re.findall(r"^\s+make ([a-z-]+)", section, re.M))
    assert named and named <= targets, named - targets


def test_every_hamstring_skill_command_exists(section, capsys):
    for command in set(re.findall(r"hamstring-skill ([a-z-]+)", section)):
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0, command
    capsys.readouterr()


def test_every_setting_is_read_by_the_code(section):
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "skill").rglob("*.py"))
    settings = set(re.findall(r"\b([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)=", section)) | {"PRACTICE_NAME", "PRACTICE_CONTACT"}
    assert {"SKILL_ENDPOINT", "SSL_CERTIFICATE_TYPE", "PRIVACY_POLICY_URL", "TERMS_OF_USE_URL", "ALEXA_SKILL_ID",
            "HAMSTRING_STORE"} <= settings
    for name in settings:
        assert f'"{name}"' in code, name


def test_the_stack_is_as_described(section, stack):
    resources = json.loads((ROOT / "ask-resources.json").read_text(encoding="utf-8"))["profiles"]["default"]
    config = resources["skillInfrastructure"]["userConfig"]
    function = stack["Resources"]["Function"]["Properties"]
    assert f"`{config['awsRegion']}`" in section
    assert f"Lambda function `{config['cfn']['parameters']['FunctionName']}`" in section
    assert f"function:{config['cfn']['parameters']['FunctionName']}" in section
    assert f"DynamoDB table `{config['cfn']['parameters']['TableName']}`" in section
    assert f"{function['MemorySize']} MB, {function['Timeout']} s timeout" in section
    assert f"handler\n  `{lambda_zip.HANDLER}`" in section or f"handler `{lambda_zip.HANDLER}`" in section
    assert f"TTL on `{TTL_ATTRIBUTE}`" in section
    assert f"kept {config['cfn']['parameters']['LogRetentionInDays']} days" in section
    assert f"`{resources['skillMetadata']['src'].removeprefix('./')}`" in section
    assert f"`{resources['code']['default']['src'].removeprefix('./')}`" in section
    assert f"purges records older than {RETENTION_DAYS} days" in section


def test_the_privacy_statement_promises_the_log_retention_of_the_stack(stack):
    days = stack["Parameters"]["LogRetentionInDays"]["Default"]
    assert f"na {days} dagen gewist" in " ".join((ROOT / "content" / "privacy.yaml").read_text(encoding="utf-8").split())
