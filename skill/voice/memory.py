"""What the skill remembers between sessions, and nothing more.

Only two keys are ever written to the persistent store:
  coach             where the listener was in the warm-up or the cooling-down:
                    {"routine", "block", "exercise"}
  disclaimer_heard  true once the listener has heard the disclaimer
Amazon does not let skills outside the US collect health information, and a rehab phase or the
choice of an easier exercise would imply an injury: those live in the session only, and so does
everything from the triage. A position in a routine of another kind is refused here, whoever asks.
The store itself lets every record expire (skill.adapters.storage, 90 days). When the store fails,
the skill goes on without it and says once that it cannot remember the place.
"""
from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from ask_sdk_core.handler_input import HandlerInput

log = logging.getLogger("hamstring.memory")

STORED_KEYS = frozenset({"coach", "disclaimer_heard"})
COACH_KEYS = frozenset({"routine", "block", "exercise"})
STORED_ROUTINE_KINDS = frozenset({"warmup", "cooldown"})   # positions in these say nothing about health
FAILED = "memory_failed"          # session attribute: the store failed in this session


FAILED_NOW = "memory_failed_now"   # request attribute: do not try the store again in this request
DISCARDED = "memory_discarded"     # request attribute: an unreadable record was dropped in this request
CHECKED = "memory_checked"         # request attribute: the record was read and checked


def _attributes(handler_input: HandlerInput) -> dict[str, Any] | None:
    manager = handler_input.attributes_manager
    if manager.request_attributes.get(FAILED_NOW) or manager.session_attributes.get(FAILED):
        # One failure is enough: Alexa waits only ~8 s, so a broken store is left alone for the
        # rest of the session instead of costing every turn its timeout again.
        return None
    try:
        attributes = manager.persistent_attributes
    except Exception as exc:          # no adapter configured, or the store is unreachable
        _failed(handler_input, exc)
        return None
    if not manager.request_attributes.get(CHECKED):
        manager.request_attributes[CHECKED] = True
        _check_record(handler_input, attributes)
    return attributes


def _check_record(handler_input: HandlerInput, attributes: dict[str, Any]) -> None:
    """A record that does not fit what the skill writes (corrupted, or from an older version) is
    discarded and overwritten, and the listener hears once that the skill lost their place."""
    from skill.voice.state import sanitize_stored

    clean, dropped = sanitize_stored(_plain(attributes))
    if not dropped:
        return
    log.warning("stored record discarded: %s", ",".join(dropped))
    attributes.clear()
    attributes.update(clean)
    handler_input.attributes_manager.request_attributes[DISCARDED] = True
    _guarded(handler_input, handler_input.attributes_manager.save_persistent_attributes)


def discarded_now(handler_input: HandlerInput) -> bool:
    """True once per request in which an unreadable record was dropped ("Ik weet niet meer waar je was")."""
    return bool(handler_input.attributes_manager.request_attributes.get(DISCARDED))


def _failed(handler_input: HandlerInput, exc: Exception) -> None:
    manager = handler_input.attributes_manager
    manager.request_attributes[FAILED_NOW] = True
    if not manager.session_attributes.get(FAILED) and getattr(manager, "_persistence_adapter", None) is not None:
        log.warning("persistent store unavailable: %s", type(exc).__name__)
    manager.session_attributes[FAILED] = True


def failed_in_session(handler_input: HandlerInput) -> bool:
    return bool(handler_input.attributes_manager.session_attributes.get(FAILED))


def recall(handler_input: HandlerInput, key: str, default: Any = None) -> Any:
    attributes = _attributes(handler_input)
    if attributes is None:
        return default
    return _plain(attributes.get(key, default))


def _plain(value: Any) -> Any:
    """DynamoDB gives numbers back as Decimal; the skill works with int and float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def remember(handler_input: HandlerInput, **values: Any) -> bool:
    """Stores the given keys (None removes one). Returns False when the store failed."""
    unknown = set(values) - STORED_KEYS
    if unknown:
        raise ValueError(f"not allowed to store {sorted(unknown)}")
    if "coach" in values and values["coach"] is not None:
        if values["coach"].get("kind") not in STORED_ROUTINE_KINDS:
            raise ValueError(f"not allowed to store a position in a {values['coach'].get('kind')!r} routine")
        values["coach"] = {k: values["coach"][k] for k in COACH_KEYS}
    attributes = _attributes(handler_input)
    if attributes is None:
        return False
    for key, value in values.items():
        if value is None:
            attributes.pop(key, None)
        else:
            attributes[key] = value
    for key in list(attributes):
        if key not in STORED_KEYS:
            attributes.pop(key)
    return _guarded(handler_input, handler_input.attributes_manager.save_persistent_attributes)


def forget_everything(handler_input: HandlerInput) -> bool:
    return _guarded(handler_input, handler_input.attributes_manager.delete_persistent_attributes)


def _guarded(handler_input: HandlerInput, operation) -> bool:
    """Runs a store operation; a failure is noted, not raised. True when it worked."""
    try:
        operation()
    except Exception as exc:
        _failed(handler_input, exc)
        return False
    return True
