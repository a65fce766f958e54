"""Reading slots the way Alexa fills them: entity resolution first, the spoken value as fallback.

Slot values are what the listener said. They are used to answer, never logged or stored.
"""
from __future__ import annotations

import math

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


# No question the skill asks has an answer below 0 or above this (ages, days, scores, phases).
# Alexa's AMAZON.NUMBER can still deliver "-3", and a forged request "nan", "inf" or "1e400".
NUMBER_RANGE = (0.0, 100_000.0)


def number_value(handler_input: HandlerInput, name: str, minimum: float = NUMBER_RANGE[0],
                 maximum: float = NUMBER_RANGE[1]) -> float | None:
    """An AMAZON.NUMBER slot as a number ("7" -> 7.0); None when it is empty, not a finite number,
    or outside [minimum, maximum], so the question is asked again."""
    spoken = spoken_value(handler_input, name)
    if spoken is None or len(spoken) > 32:
        return None
    try:
        value = float(spoken)
    except ValueError:
        return None
    if not math.isfinite(value) or not minimum <= value <= maximum:
        return None
    return value


def whole_number_value(handler_input: HandlerInput, name: str, minimum: int, maximum: int) -> int | None:
    """A number slot that must be a whole number in [minimum, maximum] ("fase twee"), else None."""
    value = number_value(handler_input, name, minimum, maximum)
    return int(value) if value is not None and value == int(value) else None


# How a phase is named inside a routine's own words: "de tweede fase", "fase drie", "fase 2".
PHASE_WORDS = {"eerste": 1, "een": 1, "één": 1, "1": 1, "tweede": 2, "twee": 2, "2": 2, "derde": 3, "drie": 3, "3": 3}


def phase_in_words(handler_input: HandlerInput, name: str) -> int | None:
    """The phase named inside a custom slot's spoken words ("de tweede fase van de revalidatie"),
    for when Alexa resolved the routine but left the number slot empty."""
    return phase_named(spoken_value(handler_input, name))


def phase_named(spoken: str | None) -> int | None:
    """The phase in "de tweede fase", "fase drie", "fase 2"; only a word next to "fase" counts."""
    words = (spoken or "").lower().split()
    for i, word in enumerate(words):
        if word == "fase":
            for near in words[max(0, i - 1):i] + words[i + 1:i + 2]:
                if near in PHASE_WORDS:
                    return PHASE_WORDS[near]
    return None


# The AMAZON.NUMBER slots of interaction_model/nl-NL.json (tests/test_request_types.py checks this list).
NUMBER_SLOTS = frozenset({"getal", "aantal", "fase", "onderdeel"})


def has_unusable_number(handler_input: HandlerInput) -> bool:
    """A number slot holds something, but not a finite number in NUMBER_RANGE ("nan", "-3", "1e400")."""
    request = handler_input.request_envelope.request
    intent = getattr(request, "intent", None)
    for name in NUMBER_SLOTS & set((intent.slots or {}) if intent is not None else {}):
        if spoken_value(handler_input, name) is not None and number_value(handler_input, name) is None:
            return True
    return False
