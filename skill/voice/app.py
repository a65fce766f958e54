"""The one skill object. The web service, Lambda and the offline simulator all call `get_skill()`,
each passing in where the coach remembers positions (the adapters choose the store).

Handler order matters: the ASK SDK takes the first handler whose `can_handle` is true, so the
dialogues that own the conversation come before the general handlers.

A handler may say which requests its `can_handle` can be true for: `intents = (...)` (intent
requests with one of these names) or `request_types = (...)`. `IndexedRequestMapper` then asks,
in the same order, only the handlers that can take the request in hand; one without either is
always asked. The first handler to say yes is the same as in the SDK's scan of all of them
(tests/test_dispatch.py; and in the test suite every turn is checked: `CHECK_DISPATCH`).
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any, Callable

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_runtime.dispatch_components.request_components import GenericRequestMapper

from skill.core.content import Content, load_content
from skill.voice import interceptors
from skill.voice.serializer import FastSerializer
from skill.voice.handlers import boundaries, coach, common, emergency, return_to_sport, topics, triage

log = logging.getLogger("hamstring.skill")


def build_skill(content: Content | None = None, *, skill_id: str | None = None,
                persistence_adapter=None) -> CustomSkill:
    content = content or load_content()
    builder = CustomSkillBuilder(persistence_adapter=persistence_adapter)
    builder.skill_id = skill_id

    for handler in (
        emergency.EmergencyHandler(content),         # outranks every dialogue: heard in every state
        boundaries.OutOfScopeHandler(content),        # knee, ibuprofen, tape: said so, then the open question
        common.LaunchHandler(content),
        coach.StartRoutineHandler(content),
        coach.CoachCommandHandler(content),
        coach.PhaseAnswerHandler(content),
        coach.ResumeRoutineHandler(content),
        coach.DeleteDataHandler(content),
        return_to_sport.StartCheckHandler(content),
        return_to_sport.CheckAnswerHandler(content),
        triage.StartTriageHandler(content),
        triage.TriageControlHandler(content),
        triage.CorrectAfterOutcomeHandler(content),
        triage.TriageAnswerHandler(content),
        triage.TriageTopicHandler(content),
        topics.TopicIntentHandler(content),
        topics.TopicNavigationHandler(content),
        common.HelpHandler(content),
        common.StopHandler(content),
        common.PauseHandler(content),
        common.RepeatHandler(content),
        common.YesNoHandler(content),
        common.HomeHandler(content),
        common.NothingToContinueHandler(content),
        triage.AnswerWithoutQuestionHandler(content),
        coach.CoachCommandOutsideHandler(content),
        common.FallbackHandler(content),
        common.SessionEndedHandler(content),
        common.CanFulfillHandler(content),
        common.ExceptionEncounteredHandler(content),
        common.SilentRequestHandler(content),
    ):
        builder.add_request_handler(handler)

    builder.add_exception_handler(common.CatchAllExceptionHandler(content))
    builder.add_global_request_interceptor(interceptors.CheckSessionAttributes(content))   # first
    builder.add_global_request_interceptor(interceptors.RefuseUnusableNumbers())
    builder.add_global_request_interceptor(interceptors.LogRequest())
    for interceptor in (
        interceptors.FreezeCoachOnDetour(content),
        interceptors.TellDiscardedRecord(content),
        interceptors.DisclaimerOnFirstAnswer(content),
        interceptors.TrackExpectedAnswer(),
        interceptors.RememberLastResponse(),
        interceptors.HandTraceToObserver(),
        interceptors.LogResponse(),
    ):
        builder.add_global_response_interceptor(interceptor)
    skill = builder.create()
    mappers = skill.request_dispatcher.request_mappers
    mappers[:] = [IndexedRequestMapper(mapper.request_handler_chains) for mapper in mappers]
    skill.serializer = FastSerializer()      # the SDK's serializer, with its walk planned once per type
    return skill


CHECK_DISPATCH = False
"""The test suite sets this (tests/conftest.py): every request is then also mapped by the SDK's
scan of all handlers; a different choice is noted in DISPATCH_MISMATCHES (the test fails) and the
scan's choice is used."""
DISPATCH_MISMATCHES: list[str] = []


class IndexedRequestMapper(GenericRequestMapper):
    """The SDK's request mapper, asking only the handlers that declared they can take this kind of
    request (see the module's docstring), in the order they were added."""

    MAX_KEYS = 256        # intent names come from the request: the index does not grow without end

    def __init__(self, request_handler_chains) -> None:
        super().__init__(request_handler_chains)
        self._index: dict[tuple[str, str | None], list] = {}

    def get_request_handler_chain(self, handler_input):
        chains = self._candidates(handler_input.request_envelope.request)
        chosen = None
        for chain in chains:
            if chain.request_handler.can_handle(handler_input=handler_input):
                chosen = chain
                break
        if CHECK_DISPATCH:
            scanned = super().get_request_handler_chain(handler_input)
            if scanned is not chosen:
                request = handler_input.request_envelope.request
                DISPATCH_MISMATCHES.append(f"{getattr(request, 'object_type', None)} "
                                           f"{getattr(getattr(request, 'intent', None), 'name', '')}: index chose "
                                           f"{_name(chosen)}, the scan of all handlers {_name(scanned)}")
                return scanned
        return chosen

    def _candidates(self, request) -> list:
        kind = getattr(request, "object_type", None)
        intent = getattr(request, "intent", None) if kind == "IntentRequest" else None
        if not isinstance(kind, str) or (kind == "IntentRequest" and not isinstance(getattr(intent, "name", None), str)):
            return self.request_handler_chains          # nothing to go by: ask every handler, as the SDK does
        key = (kind, intent.name if intent is not None else None)
        chains = self._index.get(key)
        if chains is None:
            chains = [chain for chain in self.request_handler_chains if _may_take(chain.request_handler, *key)]
            if len(self._index) < self.MAX_KEYS:
                self._index[key] = chains
        return chains


def _may_take(handler, kind: str, intent: str | None) -> bool:
    intents = getattr(handler, "intents", None)
    if intents is not None:
        return kind == "IntentRequest" and intent in intents
    kinds = getattr(handler, "request_types", None)
    return kinds is None or kind in kinds


def _name(chain) -> str:
    return type(chain.request_handler).__name__ if chain is not None else "none"


class _ProcessSkill:
    """`get_skill(store, content)`: the process-wide skill, built on the first call and the same
    object for every entry point after it. The entry points (skill.adapters: web, Lambda, the
    simulator) pass in how to make its parts, each called once, by the first to ask: `store` the
    persistence adapter (None: nothing is stored), `content` the Content (None: a full load).
    ALEXA_SKILL_ID is read from the environment."""

    def __init__(self) -> None:
        self._skill: CustomSkill | None = None
        self._lock = threading.Lock()

    def __call__(self, store: Callable[[], Any] | None = None, content: Callable[[], Content] | None = None) -> CustomSkill:
        skill = self._skill
        if skill is None:
            with self._lock:
                if self._skill is None:
                    self._skill = build_skill(content() if content else None,
                                              skill_id=os.environ.get("ALEXA_SKILL_ID") or None,
                                              persistence_adapter=store() if store else None)
                skill = self._skill
        return skill

    def cache_clear(self) -> None:
        """Forget the skill (tests that change the environment)."""
        self._skill = None


get_skill = _ProcessSkill()
