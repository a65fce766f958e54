"""`hamstring-skill package OUT_DIR` (`make package`): the skill package the ASK CLI deploys.

Writes, in the ASK CLI v2 layout:
  OUT_DIR/skill-package/skill.json                           the manifest: store listing from
                                                             content/listing.yaml, endpoint, privacy
  OUT_DIR/skill-package/interactionModels/custom/nl-NL.json  a copy of the interaction model
  OUT_DIR/skill-package/assets/images/nl-NL_{small,large}.png the icons, drawn from assets/icon/

What a published skill needs from outside the repository comes from the environment:
  SKILL_ENDPOINT        the Lambda ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME) or the HTTPS
                        URL of the web service
  SSL_CERTIFICATE_TYPE  for an HTTPS endpoint: Trusted (default), Wildcard or SelfSigned
  PRIVACY_POLICY_URL    the privacy statement; TERMS_OF_USE_URL the terms of use. Without them:
                        the values in content/listing.yaml, else /privacy and /voorwaarden on the
                        host of an HTTPS endpoint (the web service serves both).
Without an endpoint or with a placeholder URL the build stops and names what is missing, unless
`--local` asks for a package to look at (no endpoint; not for publishing).
`ask deploy` from the repository root (ask-resources.json) uploads build/ask/skill-package.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from skill import paths
from skill.core.validation import ContentError, Problem, check_schema, load_document

LOCALE = "nl-NL"
CERTIFICATE_TYPES = ("Trusted", "Wildcard", "SelfSigned")
LAMBDA_ARN = re.compile(r"^arn:aws:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$")
PLACEHOLDER_HOSTS = re.compile(r"(^|\.)(example\.(org|com|net)|localhost|invalid|test|example)$|^127\.|^0\.0\.0\.0$")
ICON_DIR = "assets/images"


class PackageError(Exception):
    """The package cannot be built for publishing; every reason is named."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Het skillpakket is niet gebouwd:\n" + "\n".join(f"  - {p}" for p in problems)
                         + "\nZie README, 'Going live'. Alleen om te bekijken: hamstring-skill package --local OUT_DIR.")
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


def endpoint_settings(environ: Mapping[str, str]) -> tuple[dict[str, str] | None, list[str]]:
    """The manifest's endpoint from SKILL_ENDPOINT and SSL_CERTIFICATE_TYPE, and what is wrong."""
    uri = (environ.get("SKILL_ENDPOINT") or "").strip()
    certificate = (environ.get("SSL_CERTIFICATE_TYPE") or "").strip()
    if not uri:
        return None, ["SKILL_ENDPOINT ontbreekt: de ARN van de Lambda-functie "
                      "(arn:aws:lambda:eu-west-1:123456789012:function:hamstring-hulp) of de HTTPS-URL van de webservice"]
    if uri.startswith("arn:"):
        problems = [] if LAMBDA_ARN.match(uri) else [
            f"SKILL_ENDPOINT {uri!r} is geen geldige Lambda-ARN (arn:aws:lambda:REGIO:ACCOUNT:function:NAAM)"]
        if certificate:
            problems.append("SSL_CERTIFICATE_TYPE hoort alleen bij een HTTPS-endpoint, niet bij een Lambda-ARN")
        return ({"uri": uri} if not problems else None), problems
    problems = url_problems("SKILL_ENDPOINT", uri)
    parts = urlsplit(uri)
    if not problems and parts.port not in (None, 443):
        problems.append(f"SKILL_ENDPOINT {uri!r}: Alexa roept alleen poort 443 aan")
    certificate = certificate or "Trusted"
    if certificate not in CERTIFICATE_TYPES:
        problems.append(f"SSL_CERTIFICATE_TYPE {certificate!r} bestaat niet; kies uit {', '.join(CERTIFICATE_TYPES)}")
    return ({"uri": uri, "sslCertificateType": certificate} if not problems else None), problems


def url_problems(name: str, url: str) -> list[str]:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return [f"{name} {url!r} is geen HTTPS-adres"]
    if PLACEHOLDER_HOSTS.search(parts.hostname):
        return [f"{name} {url!r} is een voorbeeldadres, geen echt adres"]
    return []


def document_urls(listing: dict[str, Any], environ: Mapping[str, str],
                  endpoint: dict[str, str] | None) -> tuple[dict[str, str], list[str]]:
    """privacyPolicyUrl and termsOfUseUrl: configured, from listing.yaml, or on the web service's host."""
    base = None
    if endpoint and endpoint["uri"].startswith("https://"):
        parts = urlsplit(endpoint["uri"])
        base = f"https://{parts.netloc}"
    urls, problems = {}, []
    for key, variable, listed, path in (("privacyPolicyUrl", "PRIVACY_POLICY_URL", "privacy_policy_url", "/privacy"),
                                        ("termsOfUseUrl", "TERMS_OF_USE_URL", "terms_of_use_url", "/voorwaarden")):
        url = (environ.get(variable) or "").strip() or listing.get(listed) or (base + path if base else None)
        if not url:
            problems.append(f"{variable} ontbreekt (of zet {listed} in content/listing.yaml, of gebruik een "
                            f"HTTPS-endpoint: de webservice toont {path})")
            continue
        found = url_problems(variable, url)
        problems += found
        if not found:
            urls[key] = url
    return urls, problems


def manifest(listing: dict[str, Any], endpoint: dict[str, str] | None = None,
             urls: dict[str, str] | None = None) -> dict[str, Any]:
    locale = {
        "name": listing["name"],
        "summary": listing["summary"].strip(),
        "description": listing["description"].strip(),
        "examplePhrases": listing["example_phrases"],
        "keywords": listing["keywords"],
        "smallIconUri": f"file://{ICON_DIR}/{LOCALE}_small.png",
        "largeIconUri": f"file://{ICON_DIR}/{LOCALE}_large.png",
    }
    custom: dict[str, Any] = {"endpoint": dict(endpoint)} if endpoint else {}
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
                # Stored per Alexa user id: only a warm-up or cooling-down position and whether the
                # disclaimer was heard; no name, address, e-mail or other personal information.
                "usesPersonalInfo": False,
                # Non-US skills may not collect health information: triage answers, a rehab phase
                # and the easier-variant choice stay in the session (skill.voice.memory).
                "usesHealthInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {LOCALE: dict(urls or {})},
            },
        }
    }


def write_package(out_dir: Path, endpoint: str | None = None, local: bool = False,
                  environ: Mapping[str, str] | None = None) -> list[Path]:
    """Writes the package; raises PackageError naming every missing or wrong setting (unless `local`)."""
    environ = dict(os.environ if environ is None else environ)
    if endpoint:
        environ["SKILL_ENDPOINT"] = endpoint
    listing = load_listing()
    model_path = paths.model_file(LOCALE)
    model = json.loads(model_path.read_text(encoding="utf-8"))
    problems = example_phrase_problems(listing, model)
    if problems:
        raise ContentError(problems)
    settings, wrong = endpoint_settings(environ)
    urls, url_wrong = document_urls(listing, environ, settings)
    if local:
        wrong = [w for w in wrong if not w.startswith("SKILL_ENDPOINT ontbreekt")]
        url_wrong = [w for w in url_wrong if "ontbreekt" not in w]
    if wrong or url_wrong:
        raise PackageError(wrong + url_wrong)
    from skill.adapters.icons import write_icons   # Pillow: needed to build the package, not to run the skill

    package = Path(out_dir) / "skill-package"
    model_out = package / "interactionModels" / "custom" / f"{LOCALE}.json"
    model_out.parent.mkdir(parents=True, exist_ok=True)
    icons = write_icons(package / ICON_DIR, LOCALE)
    skill_json = package / "skill.json"
    skill_json.write_text(json.dumps(manifest(listing, settings, urls), ensure_ascii=False, indent=2) + "\n",
                          encoding="utf-8")
    model_out.write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [skill_json, model_out, icons["small"], icons["large"]]
