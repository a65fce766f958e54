"""The dispatch index (skill.voice.app.IndexedRequestMapper) asks only the handlers that declared
they can take a request, in the order they were added. It must choose exactly the handler the ASK
SDK's scan of all handlers chooses; tests/conftest.py checks that on every turn of every test, and
this file on every request kind and intent of the model, in every dialogue state the conversations
reach (and with a few states made up), plus that no declaration leaves out what its handler takes.
"""
from __future__ import annotations

import copy
import json

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope
from ask_sdk_runtime.dispatch_components.request_components import GenericRequestMapper

from skill.voice.app import IndexedRequestMapper, _may_take
from tests.envelopes import EVENTS, captured_attributes, envelope, intent_request, intents_and_slots

INTENTS = sorted(intents_and_slots()) + ["UnknownIntent"]


@pytest.fixture(scope="module")
def states(skill, nlu):
    seen, out = set(), [{}]
    for attributes in captured_attributes(skill, nlu):
        # What "herhaal" would say again does not steer the choice of handler; that it is there might.
        key = json.dumps({**attributes, "last": "last" in attributes}, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(attributes)
    # States the conversations may not reach in this exact form: an offer open inside a dialogue.
    for attributes in list(out):
        if attributes.get("mode") and "offer" not in attributes:
            out.append({**attributes, "offer": {"kind": "start_triage"}})
    return out


def _requests():
    for name in INTENTS:
        yield intent_request(name)
    yield {"type": "LaunchRequest"}
    for kind, fields in EVENTS.items():
        yield {"type": kind, **copy.deepcopy(fields)}


def _handler_input(skill, event) -> HandlerInput:
    """What the skill's handlers see: the envelope after the request interceptors, as in invoke()."""
    envelope_ = skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
    handler_input = HandlerInput(request_envelope=envelope_, attributes_manager=AttributesManager(
        request_envelope=envelope_, persistence_adapter=skill.persistence_adapter))
    for interceptor in skill.request_dispatcher.request_interceptors:
        interceptor.process(handler_input=handler_input)
    return handler_input


def test_the_index_chooses_what_the_scan_of_all_handlers_chooses(skill, states):
    """And no handler says yes to a request its declaration leaves out (that would hide it)."""
    (mapper,) = skill.request_dispatcher.request_mappers
    assert isinstance(mapper, IndexedRequestMapper)
    scan = GenericRequestMapper(mapper.request_handler_chains)
    declared = [c.request_handler for c in mapper.request_handler_chains
                if getattr(c.request_handler, "intents", None) is not None
                or getattr(c.request_handler, "request_types", None) is not None]
    assert len(declared) >= 25
    checked = 0
    for attributes in states:
        for request in _requests():
            event = envelope(request, copy.deepcopy(attributes), user_id="amzn1.ask.account.dispatch")
            handler_input = _handler_input(skill, event)
            indexed = mapper.get_request_handler_chain(handler_input)
            scanned = scan.get_request_handler_chain(handler_input)
            assert indexed is scanned, (request.get("intent", {}).get("name") or request["type"], attributes)
            req = handler_input.request_envelope.request
            name = req.intent.name if req.object_type == "IntentRequest" else None
            for handler in declared:
                if not _may_take(handler, req.object_type, name):
                    assert not handler.can_handle(handler_input), (type(handler).__name__, req.object_type, name)
            checked += 1
    assert checked > 1000, checked


def test_a_request_without_an_intent_name_asks_every_handler(skill):
    """Nothing to go by: the index is not used, so the SDK's own behaviour (and error) stays."""
    (mapper,) = skill.request_dispatcher.request_mappers
    event = envelope({"type": "IntentRequest", "intent": {"confirmationStatus": "NONE"}})
    handler_input = _handler_input(skill, event)
    assert mapper._candidates(handler_input.request_envelope.request) is mapper.request_handler_chains


def test_the_index_stays_bounded(skill):
    mapper = IndexedRequestMapper(skill.request_dispatcher.request_mappers[0].request_handler_chains)
    for i in range(mapper.MAX_KEYS + 50):
        event = envelope(intent_request(f"Made{i}Intent"))
        chosen = mapper.get_request_handler_chain(_handler_input(skill, event))
        assert type(chosen.request_handler).__name__ in ("TopicIntentHandler", "FallbackHandler")
    assert len(mapper._index) == mapper.MAX_KEYS
