"""Strict validation of a skill package against Amazon's own model classes (ask-smapi-model).

ask-smapi-model describes every manifest and interaction-model object as a class with
`attribute_map` (JSON key per attribute) and `deserialized_types` (the type of each). Its
deserializer is lenient: it skips unknown keys and accepts any string for an enum. This walks the
JSON against those classes and fails on
  - a key the class does not have (a typo, or a field Amazon does not know),
  - an enum value that is not one of the enum's members, a wrong JSON type,
  - a missing required field.
The classes mark every field optional, so which fields a published custom skill needs comes from
Amazon's manifest and interaction-model documentation, listed in REQUIRED below.
"""
from __future__ import annotations

import enum
import importlib
import re
from typing import Any

MANIFEST = "ask_smapi_model.v1.skill.manifest.skill_manifest_envelope.SkillManifestEnvelope"
INTERACTION_MODEL = "ask_smapi_model.v1.skill.interaction_model.interaction_model_data.InteractionModelData"

_M = "ask_smapi_model.v1.skill.manifest."
_I = "ask_smapi_model.v1.skill.interaction_model."
REQUIRED: dict[str, set[str]] = {
    _M + "skill_manifest_envelope.SkillManifestEnvelope": {"manifest"},
    _M + "skill_manifest.SkillManifest": {"manifestVersion", "publishingInformation", "privacyAndCompliance", "apis"},
    _M + "skill_manifest_publishing_information.SkillManifestPublishingInformation":
        {"locales", "category", "isAvailableWorldwide", "distributionMode", "testingInstructions"},
    _M + "skill_manifest_localized_publishing_information.SkillManifestLocalizedPublishingInformation":
        {"name", "summary", "description", "examplePhrases", "keywords", "smallIconUri", "largeIconUri"},
    _M + "skill_manifest_apis.SkillManifestApis": {"custom"},
    _M + "custom_apis.CustomApis": {"endpoint"},
    _M + "skill_manifest_endpoint.SkillManifestEndpoint": {"uri"},
    _M + "skill_manifest_privacy_and_compliance.SkillManifestPrivacyAndCompliance":
        {"allowsPurchases", "usesPersonalInfo", "usesHealthInfo", "isChildDirected", "isExportCompliant",
         "containsAds", "locales"},
    _M + "skill_manifest_localized_privacy_and_compliance.SkillManifestLocalizedPrivacyAndCompliance":
        {"privacyPolicyUrl", "termsOfUseUrl"},
    _I + "interaction_model_data.InteractionModelData": {"interactionModel"},
    _I + "interaction_model_schema.InteractionModelSchema": {"languageModel"},
    _I + "language_model.LanguageModel": {"invocationName", "intents"},
    _I + "intent.Intent": {"name"},
    _I + "slot_definition.SlotDefinition": {"name", "type"},
    _I + "slot_type.SlotType": {"name", "values"},
    _I + "type_value.TypeValue": {"name"},
    _I + "type_value_object.TypeValueObject": {"value"},
}
# Not needed while only looking at a package (`--local`): the endpoint and the documents' addresses.
NOT_REQUIRED_LOCALLY = {_M + "custom_apis.CustomApis",
                        _M + "skill_manifest_localized_privacy_and_compliance.SkillManifestLocalizedPrivacyAndCompliance"}

_LIST = re.compile(r"^list\[(.+)\]$")
_DICT = re.compile(r"^dict\(str, (.+)\)$")
_PRIMITIVES = {"str": str, "bool": bool, "int": int, "float": (int, float), "object": object}


def _load(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def validate(data: Any, root: str = MANIFEST, local: bool = False) -> list[str]:
    """Every problem, each with its JSON path; an empty list means the document is valid."""
    problems: list[str] = []
    _check(data, root, "$", problems, local)
    return problems


def _check(value: Any, type_name: str, where: str, problems: list[str], local: bool) -> None:
    if match := _LIST.match(type_name):
        if not isinstance(value, list):
            problems.append(f"{where}: a list expected, got {type(value).__name__}")
            return
        for i, item in enumerate(value):
            _check(item, match.group(1), f"{where}[{i}]", problems, local)
        return
    if match := _DICT.match(type_name):
        if not isinstance(value, dict):
            problems.append(f"{where}: an object expected, got {type(value).__name__}")
            return
        for key, item in value.items():
            _check(item, match.group(1), f"{where}.{key}", problems, local)
        return
    if type_name in _PRIMITIVES:
        expected = _PRIMITIVES[type_name]
        if (type_name in ("int", "float") and isinstance(value, bool)) or not isinstance(value, expected):
            problems.append(f"{where}: {type_name} expected, got {type(value).__name__}")
        return
    cls = _load(type_name)
    if isinstance(cls, enum.EnumMeta):
        allowed = [member.value for member in cls]
        if value not in allowed:
            problems.append(f"{where}: {value!r} is not one of {cls.__name__} {allowed}")
        return
    if not isinstance(value, dict):
        problems.append(f"{where}: an object ({cls.__name__}) expected, got {type(value).__name__}")
        return
    discriminator = getattr(cls, "json_discriminator_key", None)
    if discriminator and getattr(cls, "discriminator_value_class_map", None):
        kind = value.get(discriminator)
        if kind not in cls.discriminator_value_class_map:
            problems.append(f"{where}.{discriminator}: {kind!r} is not one of {sorted(cls.discriminator_value_class_map)}")
            return
        type_name = cls.discriminator_value_class_map[kind]
        cls = _load(type_name)
    types = {json_key: cls.deserialized_types[attr] for attr, json_key in cls.attribute_map.items()}
    for key, item in value.items():
        if key not in types:
            problems.append(f"{where}.{key}: unknown field for {cls.__name__} (known: {sorted(types)})")
            continue
        _check(item, types[key], f"{where}.{key}", problems, local)
    if not (local and type_name in NOT_REQUIRED_LOCALLY):
        for key in sorted(REQUIRED.get(type_name, set()) - set(value)):
            problems.append(f"{where}.{key}: required field of {cls.__name__} is missing")
