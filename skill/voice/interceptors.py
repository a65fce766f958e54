"""Request and response interceptors: privacy-safe logging, the repeat cache, the trace.

Logging rule: request type, intent name and outcome. Never slot values, never what was said,
never triage answers or outcomes.
"""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response, Session

from skill.core.content import Content
from skill.voice import conversation as conv
from skill.voice import state
from skill.voice.speech import Speech, to_segments

log = logging.getLogger("hamstring.skill")


# While one of these questions is open, even the intent name is an answer (ja, nee, a choice),
# so it is not logged.
PRIVATE_QUESTIONS = ("triage", "triage_outcome", "return_to_sport")
HEALTH_INTENTS = ("EmergencyIntent", "StartTriageIntent", "OutOfScopeIntent")


class CheckSessionAttributes(AbstractRequestInterceptor):
    """Runs first. A request without a session (AudioPlayer, PlaybackController, System events, an
    intent while no session is open) gets an empty new one, so it is handled as a one-shot and no
    handler or interceptor trips over the missing session. Session attributes are untrusted input:
    whatever fails the schema (skill.voice.state) is dropped, and the log names the keys only."""

    def __init__(self, content: Content):
        self.content = content

    def process(self, handler_input: HandlerInput) -> None:
        envelope = handler_input.request_envelope
        manager = handler_input.attributes_manager
        if envelope.session is None:
            system = getattr(envelope.context, "system", None)
            envelope.session = Session(new=True, session_id=None, attributes={},
                                       application=getattr(system, "application", None),
                                       user=getattr(system, "user", None))
            manager.session_attributes = {}
            return
        clean, dropped = state.sanitize(manager.session_attributes, self.content)
        if dropped:
            log.warning("session attributes dropped: %s", ",".join(dropped)[:200])
        manager.session_attributes = clean


class RefuseUnusableNumbers(AbstractRequestInterceptor):
    """A number that is no usable answer (not finite, negative, absurdly large) is treated as not
    understood: the request becomes AMAZON.FallbackIntent, so whatever question is open is asked
    again, and no dialogue ever sees the number."""

    def process(self, handler_input: HandlerInput) -> None:
        from ask_sdk_model import Intent, IntentConfirmationStatus

        from skill.voice.slots import has_unusable_number
        request = handler_input.request_envelope.request
        if getattr(request, "object_type", None) != "IntentRequest" or not has_unusable_number(handler_input):
            return
        log.info("number slot outside any question's range: treated as not understood")
        request.intent = Intent(name="AMAZON.FallbackIntent", slots={},
                                confirmation_status=IntentConfirmationStatus.NONE)


class LogRequest(AbstractRequestInterceptor):
    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        if intent and conv.awaiting(handler_input) in PRIVATE_QUESTIONS:
            intent = "(answer)"
        elif intent in HEALTH_INTENTS:
            intent = "(health)"          # naming a complaint or an emergency is health information too
        log.info("request type=%s intent=%s new_session=%s", request.object_type, intent or "-",
                 bool(getattr(handler_input.request_envelope.session, "new", False)))


class LogResponse(AbstractResponseInterceptor):
    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if response is None:
            return
        if response.output_speech is None:
            outcome = "silent"
        elif response.should_end_session:
            outcome = "tell"
        else:
            outcome = "ask"
        log.info("response outcome=%s", outcome)


class DisclaimerOnFirstAnswer(AbstractResponseInterceptor):
    """A one-shot question ("vraag hamstring hulp ...") skips the welcome, not the disclaimer."""

    def __init__(self, content: Content):
        self.content = content

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if response is None or response.output_speech is None or response.should_end_session:
            return
        lead = Speech()
        if not conv.disclaimer_due(handler_input, self.content, lead):
            return
        disclaimer = lead.ssml
        response.output_speech.ssml = (disclaimer.removesuffix("</speak>") + " "
                                       + response.output_speech.ssml.removeprefix("<speak>"))


class TellDiscardedRecord(AbstractResponseInterceptor):
    """A stored record that could not be used was dropped in this turn (skill.voice.memory): the
    listener hears it in one sentence, before the answer ("Ik weet niet meer waar je was.")."""

    def __init__(self, content: Content):
        self.content = content

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        from skill.voice import memory
        if response is None or response.output_speech is None or not memory.discarded_now(handler_input):
            return
        handler_input.attributes_manager.request_attributes[memory.DISCARDED] = False
        lead = Speech().say(self.content.phrases("memory_discarded")).ssml
        response.output_speech.ssml = (lead.removesuffix("</speak>") + " "
                                       + response.output_speech.ssml.removeprefix("<speak>"))


class FreezeCoachOnDetour(AbstractResponseInterceptor):
    """When something else answered in the middle of a coaching block, the coach keeps its place."""

    def __init__(self, content: Content):
        self.content = content

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        from skill.voice.handlers.coach import freeze_if_interrupted
        freeze_if_interrupted(handler_input, self.content)


class TrackExpectedAnswer(AbstractResponseInterceptor):
    """Remembers which question this response asked; a response that asks none clears it, so an
    answer given after something else came in between is not taken for an answer to the question."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        expected = handler_input.attributes_manager.request_attributes.get(conv.EXPECT)
        attrs = conv.session(handler_input)
        if expected and response is not None and not response.should_end_session:
            attrs[conv.AWAITING] = expected
        else:
            attrs.pop(conv.AWAITING, None)


class RememberLastResponse(AbstractResponseInterceptor):
    """Keeps speech and reprompt as data (text and pauses, not SSML) so "herhaal" can say the
    same again. A coach block is not kept: the coach repeats its exercise from its own state,
    and a block is the largest response there is."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        attrs = conv.session(handler_input)
        if response is None or response.output_speech is None or response.should_end_session:
            return
        from skill.voice.handlers.coach import PLAYED
        if handler_input.attributes_manager.request_attributes.get(PLAYED):
            attrs.pop(conv.LAST, None)
            return
        attrs[conv.LAST] = {
            "speech": to_segments(response.output_speech.ssml),
            "reprompt": to_segments(response.reprompt.output_speech.ssml) if response.reprompt else None,
            "content_ids": list(conv.trace(handler_input)["content_ids"]),
        }


class HandTraceToObserver(AbstractResponseInterceptor):
    """Gives what this turn spoke (content ids, triage outcome) to an observer, if one is attached.

    The offline simulator passes an observer as the invocation context; Lambda and the web service
    pass their own context without one, so nothing leaves the process there.
    """

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        observer = getattr(handler_input.context, "record_trace", None)
        if callable(observer):
            observer(dict(conv.trace(handler_input)))
