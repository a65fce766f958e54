"""The one skill object. The web service, Lambda and the offline simulator all call `get_skill()`,
each passing in where the coach remembers positions (the adapters choose the store).

Handler order matters: the ASK SDK takes the first handler whose `can_handle` is true, so the
dialogues that own the conversation come before the general handlers.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any, Callable

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

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
    skill.serializer = FastSerializer()      # the SDK's serializer, with its walk planned once per type
    return skill


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
