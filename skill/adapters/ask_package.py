"""`hamstring-skill package OUT_DIR`: the skill package the ASK CLI deploys.

Writes OUT_DIR/skill-package/skill.json (publishing information from content/listing.yaml) and
OUT_DIR/skill-package/interactionModels/custom/nl-NL.json (a copy of the interaction model).
`ask deploy` run from OUT_DIR (with an ask-resources.json) uploads it.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from skill import paths
from skill.core.validation import ContentError, Problem, check_schema, load_document

LOCALE = "nl-NL"
_WAKE = re.compile(r"^alexa\s*,?\s*", re.IGNORECASE)


def load_listing(content_dir: Path | None = None) -> dict[str, Any]:
    path = Path(content_dir or paths.content_dir()) / "listing.yaml"
    doc, problems = load_document(path, shown_as="content/listing.yaml")
    if doc is not None:
        problems += check_schema(doc, "listing")
    if problems:
        raise ContentError(problems)
    return doc.data


def example_phrase_problems(listing: dict[str, Any], model: dict[str, Any]) -> list[Problem]:
    """Amazon requires example phrases that the skill understands: the invocation, or a sample."""
    language = model["interactionModel"]["languageModel"]
    invocation = language["invocationName"].lower()
    samples = {s.lower() for intent in language["intents"] for s in intent.get("samples", [])}
    problems = []
    for i, phrase in enumerate(listing.get("example_phrases", [])):
        key = f"example_phrases[{i}]"
        if not _WAKE.match(phrase):
            problems.append(Problem("content/listing.yaml", key, "een voorbeeldzin begint met 'Alexa,'"))
            continue
        rest = _WAKE.sub("", phrase).strip().rstrip(".?!").lower()
        if i == 0:
            if rest not in (f"open {invocation}", f"start {invocation}"):
                problems.append(Problem("content/listing.yaml", key, f"de eerste voorbeeldzin opent de skill: 'Alexa, open {invocation}'"))
            continue
        match = re.match(rf"^(vraag|zeg tegen|open|start)\s+{re.escape(invocation)}\s+(.*)$", rest)
        if not match:
            problems.append(Problem("content/listing.yaml", key, f"noem de skill: 'Alexa, vraag {invocation} ...'"))
            continue
        said = match.group(2)
        if said not in samples:
            problems.append(Problem("content/listing.yaml", key, f"'{said}' is geen voorbeeldzin van het interactiemodel; Amazon keurt de skill dan af"))
    return problems


def manifest(listing: dict[str, Any], endpoint: str | None = None) -> dict[str, Any]:
    locale = {
        "name": listing["name"],
        "summary": listing["summary"],
        "description": listing["description"].strip(),
        "examplePhrases": listing["example_phrases"],
        "keywords": listing["keywords"],
    }
    custom: dict[str, Any] = {}
    if endpoint:
        if endpoint.startswith("arn:"):
            custom["endpoint"] = {"uri": endpoint}
        else:
            custom["endpoint"] = {"uri": endpoint, "sslCertificateType": os.environ.get("SSL_CERTIFICATE_TYPE", "Trusted")}
    privacy_locale = {k: v for k, v in (("privacyPolicyUrl", listing.get("privacy_policy_url")),
                                        ("termsOfUseUrl", listing.get("terms_of_use_url"))) if v}
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {LOCALE: locale},
                "isAvailableWorldwide": False,
                "distributionCountries": ["NL"],
                "distributionMode": "PUBLIC",
                "category": "HEALTH_AND_FITNESS",
                "testingInstructions": listing["testing_instructions"].strip(),
            },
            "apis": {"custom": custom},
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                # Non-US skills may not collect health information: triage answers stay in the session.
                "usesHealthInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {LOCALE: privacy_locale},
            },
        }
    }


def write_package(out_dir: Path, endpoint: str | None = None) -> list[Path]:
    endpoint = endpoint or os.environ.get("SKILL_ENDPOINT") or None
    listing = load_listing()
    model_path = paths.model_file(LOCALE)
    model = json.loads(model_path.read_text(encoding="utf-8"))
    problems = example_phrase_problems(listing, model)
    if problems:
        raise ContentError(problems)
    package = out_dir / "skill-package"
    model_out = package / "interactionModels" / "custom" / f"{LOCALE}.json"
    model_out.parent.mkdir(parents=True, exist_ok=True)
    skill_json = package / "skill.json"
    skill_json.write_text(json.dumps(manifest(listing, endpoint), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    model_out.write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [skill_json, model_out]
