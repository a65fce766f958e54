"""The one skill object. The web service, Lambda and the offline simulator all call `get_skill()`.

Handler order matters: the ASK SDK takes the first handler whose `can_handle` is true, so the
dialogues that own the conversation come before the general handlers.
"""
from __future__ import annotations

import logging
import os
from functools import lru_cache

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.core.content import Content, load_content
from skill.voice import interceptors
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
    return builder.create()


@lru_cache(maxsize=1)
def get_skill() -> CustomSkill:
    """The process-wide skill, configured from the environment: ALEXA_SKILL_ID, and HAMSTRING_STORE
    for where the coach remembers positions (skill.adapters.storage)."""
    from skill.adapters.storage import adapter_from_environment
    return build_skill(skill_id=os.environ.get("ALEXA_SKILL_ID") or None,
                       persistence_adapter=adapter_from_environment())
