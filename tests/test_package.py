"""`make package`: the ASK CLI v2 skill package, validated strictly against Amazon's own model
classes (ask-smapi-model), with icons, a complete listing, testing instructions that work, real
addresses from configuration, and a refusal that names what is missing."""
from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
from PIL import Image

from skill.adapters.ask_package import PackageError, write_package
from skill.adapters.simulator.session import Simulator
from tests.smapi import INTERACTION_MODEL, validate

LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:hamstring-hulp"
WEB = "https://hamstring.fysiodebrug.nl/alexa"
PRODUCTION = {"SKILL_ENDPOINT": LAMBDA, "PRIVACY_POLICY_URL": "https://www.fysiodebrug.nl/hamstring-hulp/privacy",
              "TERMS_OF_USE_URL": "https://www.fysiodebrug.nl/hamstring-hulp/voorwaarden"}


def _build(tmp_path, environ, local=False):
    write_package(tmp_path, local=local, environ=environ)
    package = tmp_path / "skill-package"
    manifest = json.loads((package / "skill.json").read_text(encoding="utf-8"))
    model = json.loads((package / "interactionModels" / "custom" / "nl-NL.json").read_text(encoding="utf-8"))
    return package, manifest, model


@pytest.fixture(scope="module")
def lambda_package(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("package"), PRODUCTION)


# ---------------------------------------------------------------- strict validation

def test_the_package_passes_amazons_model_classes_strictly(lambda_package):
    _, manifest, model = lambda_package
    assert validate(manifest) == []
    assert validate(model, INTERACTION_MODEL) == []


@pytest.mark.parametrize("breakage, expected", [
    (lambda m: m["manifest"]["publishingInformation"]["locales"]["nl-NL"].update(smallIconUrl="x"), "unknown field"),
    (lambda m: m["manifest"]["apis"]["custom"].update(endpoints={}), "unknown field"),
    (lambda m: m["manifest"]["publishingInformation"].update(distributionMode="OPEN"), "not one of DistributionMode"),
    (lambda m: m["manifest"]["publishingInformation"].update(distributionCountries=["XX"]), "not one of DistributionCountries"),
    (lambda m: m["manifest"]["apis"]["custom"]["endpoint"].update(sslCertificateType="Selfsigned"), "not one of SSLCertificateType"),
    (lambda m: m["manifest"].update(manifestVersion="2.0"), "not one of ManifestVersion"),
    (lambda m: m["manifest"]["publishingInformation"]["locales"]["nl-NL"].pop("largeIconUri"), "largeIconUri: required"),
    (lambda m: m["manifest"]["publishingInformation"].pop("testingInstructions"), "testingInstructions: required"),
    (lambda m: m["manifest"]["privacyAndCompliance"]["locales"]["nl-NL"].pop("privacyPolicyUrl"), "privacyPolicyUrl: required"),
    (lambda m: m["manifest"]["apis"]["custom"].pop("endpoint"), "endpoint: required"),
    (lambda m: m["manifest"]["privacyAndCompliance"].update(usesHealthInfo="false"), "bool expected"),
])
def test_the_validation_is_strict(lambda_package, breakage, expected):
    broken = copy.deepcopy(lambda_package[1])
    breakage(broken)
    problems = validate(broken)
    assert any(expected in problem for problem in problems), problems


def test_the_model_validation_is_strict_too(lambda_package):
    model = copy.deepcopy(lambda_package[2])
    intent = model["interactionModel"]["languageModel"]["intents"][0]
    intent["sample"] = intent.pop("samples")
    assert any("unknown field" in p for p in validate(model, INTERACTION_MODEL))


# ---------------------------------------------------------------- what the package holds

def test_icons_are_pngs_of_the_required_sizes_drawn_from_the_source(lambda_package):
    package, manifest, _ = lambda_package
    locale = manifest["manifest"]["publishingInformation"]["locales"]["nl-NL"]
    for key, size in (("smallIconUri", 108), ("largeIconUri", 512)):
        uri = locale[key]
        assert uri.startswith("file://assets/images/")
        path = package / uri.removeprefix("file://")
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (size, size) and image.mode == "RGB"
            colours = image.getcolors(maxcolors=size * size)
            assert len(colours) > 10                   # a drawing, not a blank square
            assert image.getpixel((1, 1)) == (15, 110, 110)   # the background from assets/icon/icon.yaml


def test_the_listing_covers_topics_triage_coach_and_the_disclaimer(lambda_package):
    info = lambda_package[1]["manifest"]["publishingInformation"]
    locale = info["locales"]["nl-NL"]
    description = " ".join(locale["description"].split())
    for needle in ("ijs of warmte", "check mijn klachten", "112 bellen", "start de warming-up",
                   "revalidatie-oefeningen", "doe de sporttest",
                   "geen vervanging voor professioneel medisch advies", "Bij een noodgeval bel je direct 112"):
        assert needle in description, needle
    assert len(locale["summary"]) <= 160 and "klachtencheck" in locale["summary"]
    assert len(description) <= 4000
    assert info["category"] == "HEALTH_AND_FITNESS" and info["distributionCountries"] == ["NL"]
    privacy = lambda_package[1]["manifest"]["privacyAndCompliance"]
    assert privacy["usesHealthInfo"] is False and privacy["usesPersonalInfo"] is False


def test_the_testing_instructions_reach_every_dialogue_and_say_nothing_health_related_is_stored(lambda_package):
    instructions = " ".join(lambda_package[1]["manifest"]["publishingInformation"]["testingInstructions"].split())
    assert len(instructions) <= 4000
    for needle in ("wat zijn de symptomen", "check mijn klachten", "start de warming-up", "ga verder met de warming-up",
                   "fase twee, begin bij onderdeel drie", "doe de sporttest", "wis mijn gegevens",
                   "bewaart geen gezondheidsgegevens", "90 dagen"):
        assert needle.lower() in instructions.lower(), needle


def test_every_phrase_in_the_testing_instructions_is_understood(lambda_package, nlu):
    instructions = lambda_package[1]["manifest"]["publishingInformation"]["testingInstructions"]
    import re
    quoted = re.findall(r'"([^"]+)"', " ".join(instructions.split()))
    assert len(quoted) > 20
    for phrase in quoted:
        understanding = nlu.understand(phrase)
        assert understanding.kind in ("intent", "launch"), (phrase, understanding)
        assert understanding.intent not in ("AMAZON.FallbackIntent", "TopicIntent"), (phrase, understanding)


def test_the_triage_recipes_in_the_testing_instructions_give_what_they_promise(skill, nlu, content):
    """Self care: "nee" to every yes/no question and the stated answers to the others. Emergency:
    "ja" to the swollen calf and "ja" to breathlessness; and "ik krijg geen lucht" at any moment."""
    answers = {"yes_no": "nee", "scale": "drie", "number": "dertig", "duration": "sinds gisteren"}
    choices = {"onset": "geleidelijk", "weight_bearing": "ik kan gewoon lopen"}
    sim = Simulator(skill, nlu)
    sim.launch()
    turn = sim.say("check mijn klachten")
    questions = {q.id: q for q in content.triage.questions}
    while turn.triage is None:
        current = questions[turn.session_attributes["triage"]["current"]]
        turn = sim.say(choices[current.id] if current.kind == "choice" else answers[current.kind])
    assert turn.triage["urgency"] == "self_care"
    sim = Simulator(skill, nlu)
    sim.launch()
    turn = sim.say("check mijn klachten")
    assert "Is je kuit dik" in turn.speech
    turn = sim.say("ja")
    turn = sim.say("nee") if "En je bovenbeen" in turn.speech else turn
    assert "kortademig" in turn.speech
    turn = sim.say("ja")
    assert turn.triage["urgency"] == "emergency" and "112" in turn.speech and turn.end_session
    sim = Simulator(skill, nlu)
    sim.launch()
    turn = sim.say("ik krijg geen lucht")
    assert turn.emergency and "112" in turn.speech and turn.end_session


# ---------------------------------------------------------------- endpoint and addresses

def test_a_lambda_endpoint(lambda_package):
    manifest = lambda_package[1]["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": LAMBDA}
    assert manifest["privacyAndCompliance"]["locales"]["nl-NL"] == {
        "privacyPolicyUrl": PRODUCTION["PRIVACY_POLICY_URL"], "termsOfUseUrl": PRODUCTION["TERMS_OF_USE_URL"]}


@pytest.mark.parametrize("certificate", ["Trusted", "Wildcard", "SelfSigned"])
def test_a_web_service_endpoint_points_the_documents_at_its_own_pages(tmp_path, certificate):
    _, manifest, _ = _build(tmp_path, {"SKILL_ENDPOINT": WEB, "SSL_CERTIFICATE_TYPE": certificate})
    assert validate(manifest) == []
    manifest = manifest["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": WEB, "sslCertificateType": certificate}
    assert manifest["privacyAndCompliance"]["locales"]["nl-NL"] == {
        "privacyPolicyUrl": "https://hamstring.fysiodebrug.nl/privacy",
        "termsOfUseUrl": "https://hamstring.fysiodebrug.nl/voorwaarden"}


@pytest.mark.parametrize("environ, named", [
    ({}, ["SKILL_ENDPOINT ontbreekt", "PRIVACY_POLICY_URL ontbreekt", "TERMS_OF_USE_URL ontbreekt"]),
    ({"SKILL_ENDPOINT": LAMBDA}, ["PRIVACY_POLICY_URL ontbreekt", "TERMS_OF_USE_URL ontbreekt"]),
    ({**PRODUCTION, "SKILL_ENDPOINT": "arn:aws:lambda:eu-west-1:1234:function:x"}, ["geen geldige Lambda-ARN"]),
    ({**PRODUCTION, "SSL_CERTIFICATE_TYPE": "Trusted"}, ["hoort alleen bij een HTTPS-endpoint"]),
    ({"SKILL_ENDPOINT": WEB, "SSL_CERTIFICATE_TYPE": "Selfsigned"}, ["'Selfsigned' bestaat niet"]),
    ({"SKILL_ENDPOINT": "http://hamstring.fysiodebrug.nl/"}, ["geen HTTPS-adres"]),
    ({"SKILL_ENDPOINT": "https://hamstring.fysiodebrug.nl:8443/"}, ["poort 443"]),
    ({**PRODUCTION, "PRIVACY_POLICY_URL": "https://www.example.org/hamstring-hulp/privacy"}, ["PRIVACY_POLICY_URL", "voorbeeldadres"]),
    ({"SKILL_ENDPOINT": "https://localhost/"}, ["voorbeeldadres"]),
])
def test_without_a_valid_endpoint_or_real_addresses_it_refuses_and_names_what_is_missing(tmp_path, environ, named):
    with pytest.raises(PackageError) as error:
        write_package(tmp_path, environ=environ)
    message = str(error.value)
    for needle in named:
        assert needle in message, message
    assert not (tmp_path / "skill-package").exists()


def test_local_builds_without_an_endpoint_for_a_look_only(tmp_path):
    _, manifest, _ = _build(tmp_path, {}, local=True)
    assert manifest["manifest"]["apis"]["custom"] == {}
    assert validate(manifest, local=True) == []
    assert any("endpoint: required" in p for p in validate(manifest))     # not publishable as it is


def test_make_package_refuses_without_an_endpoint(tmp_path):
    """The command line, as `make package` runs it: exit code 2 and the reasons on stderr."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "skill.adapters.cli", "package", str(tmp_path / "out")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "SKILL_ENDPOINT ontbreekt" in result.stderr and "--local" in result.stderr
    result = subprocess.run([sys.executable, "-m", "skill.adapters.cli", "package", "--local", str(tmp_path / "out")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "skill-package" / "assets" / "images" / "nl-NL_large.png").exists()
