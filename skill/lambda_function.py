"""AWS Lambda entry point: `skill.lambda_function.handler` (see README, "Deploy on Lambda")."""
from __future__ import annotations

import json
import logging
from typing import Any

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope

from skill.adapters.snapshot import production_content
from skill.adapters.storage import adapter_from_environment
from skill.voice.app import get_skill

logging.getLogger().setLevel(logging.INFO)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Deserialises Alexa's event, runs the one skill object, returns the serialised response."""
    return run(get_skill(adapter_from_environment, production_content), event, context)


def run(skill: CustomSkill, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """What `handler` does, for a given skill object (the fuzz and soak runs use their own store)."""
    request_envelope = skill.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    response_envelope = skill.invoke(request_envelope=request_envelope, context=context)
    return skill.serializer.serialize(response_envelope)
