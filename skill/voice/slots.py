"""Reading slots the way Alexa fills them: entity resolution first, the spoken value as fallback.

Slot values are what the listener said. They are used to answer, never logged or stored.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.slu.entityresolution import StatusCode


def _slot(handler_input: HandlerInput, name: str):
    request = handler_input.request_envelope.request
    intent = getattr(request, "intent", None)
    if intent is None or not intent.slots:
        return None
    return intent.slots.get(name)


def spoken_value(handler_input: HandlerInput, name: str) -> str | None:
    slot = _slot(handler_input, name)
    return slot.value if slot is not None and slot.value else None


def resolved_id(handler_input: HandlerInput, name: str) -> str | None:
    """The id of the custom slot value the listener's words resolved to, or None."""
    slot = _slot(handler_input, name)
    if slot is None or slot.resolutions is None:
        return None
    for authority in slot.resolutions.resolutions_per_authority or []:
        if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH and authority.values:
            return authority.values[0].value.id
    return None


def number_value(handler_input: HandlerInput, name: str) -> float | None:
    """An AMAZON.NUMBER slot as a number ("7" -> 7.0), or None when it is empty or not a number."""
    spoken = spoken_value(handler_input, name)
    if spoken is None:
        return None
    try:
        return float(spoken)
    except ValueError:
        return None
