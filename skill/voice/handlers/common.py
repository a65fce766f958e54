"""Handlers every Alexa skill needs: launch, help, stop, fallback, repeat, yes/no, and the rest.

Dialogues (triage, coach) register their own handlers ahead of these; what reaches this module
is what no dialogue claimed.
"""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.canfulfill import CanFulfillIntent, CanFulfillIntentValues
from ask_sdk_model.ui import SsmlOutputSpeech

from skill.core.content import Content
from skill.voice import conversation as conv
from skill.voice.conversation import answer_offer, ask, close, session
from skill.voice.speech import Speech
from skill.voice.handlers.coach import launch_offer, session_ended

log = logging.getLogger("hamstring.skill")


class _Handler(conv.ContentHandler):
    def phrase(self, key: str, **values) -> str:
        return self.content.phrases(key, **values)


def _any_intent(*names: str):
    checks = [is_intent_name(n) for n in names]
    return lambda handler_input: any(check(handler_input) for check in checks)


def menu(handler_input: HandlerInput, content: Content, lead: Speech, reprompt: str | None = None) -> Response:
    """Back to the start: forget the topic and any open question, then ask what they want."""
    attrs = session(handler_input)
    for key in (conv.TOPIC, conv.OFFER, conv.MODE) + conv.DIALOGUE_STATES:
        attrs.pop(key, None)
    return ask(handler_input, lead, reprompt or content.phrases("launch_reprompt"))


class LaunchHandler(_Handler):
    request_types = ("LaunchRequest",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        from skill.voice import memory

        heard = bool(memory.recall(handler_input, "disclaimer_heard"))
        out = Speech().say(self.phrase("welcome_back" if heard else "welcome"))
        conv.disclaimer_due(handler_input, self.content, out)   # every session, returning listeners too
        if memory.discarded_now(handler_input):
            handler_input.attributes_manager.request_attributes[memory.DISCARDED] = False   # said here
            out.say(self.phrase("memory_discarded"))
        if not heard:
            memory.remember(handler_input, disclaimer_heard=True)
        unfinished = launch_offer(handler_input, self.content)
        if unfinished is not None:
            out.say(unfinished)
            response = menu(handler_input, self.content, out, reprompt=unfinished)   # the same question again
            conv.set_offer(handler_input, "resume_routine")
            return response
        out.say(self.phrase("launch_options_back" if heard else "launch_options"))
        response = menu(handler_input, self.content, out)
        conv.set_offer(handler_input, "start_triage")
        return response


class HelpHandler(_Handler):
    intents = ("AMAZON.HelpIntent",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.HelpIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        session(handler_input).pop(conv.OFFER, None)
        return ask(handler_input, Speech().say(self.phrase("help")), self.phrase("help_reprompt"))


class StopHandler(_Handler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _any_intent("AMAZON.StopIntent", "AMAZON.CancelIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return close(handler_input, Speech().say(self.phrase("goodbye")))


class PauseHandler(_Handler):
    """Outside the coach there is nothing to hold: pausing ends the session politely."""

    intents = ("AMAZON.PauseIntent",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.PauseIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return close(handler_input, Speech().say(self.phrase("pause")))


class FallbackHandler(_Handler):
    """AMAZON.FallbackIntent, and any intent no handler before this one claimed (an intent name
    this skill does not know gets the same answer, not an error)."""

    answers_unknown_intents = True       # `make check` does not count this as handling an intent

    request_types = ("IntentRequest",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        if conv.pending_offer(handler_input) is not None:
            # A yes/no question is open: say so, and ask it again in the same breath.
            return conv.ask_again(handler_input, Speech().say(self.phrase("not_understood")), self.phrase("fallback_reprompt"))
        return ask(handler_input, Speech().say(self.phrase("fallback")), self.phrase("fallback_reprompt"))


class HomeHandler(_Handler):
    """"naar het begin" and "opnieuw beginnen" outside a dialogue: back to the opening question."""

    intents = ("AMAZON.NavigateHomeIntent", "AMAZON.StartOverIntent")
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _any_intent("AMAZON.NavigateHomeIntent", "AMAZON.StartOverIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return menu(handler_input, self.content, Speech().say(self.phrase("start_over")))


class RepeatHandler(_Handler):
    """Repeats exactly the last response (speech and reprompt), changing nothing in the session."""

    intents = ("AMAZON.RepeatIntent",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.RepeatIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        last = session(handler_input).get(conv.LAST)
        if not last:
            return ask(handler_input, Speech().say(self.phrase("nothing_to_repeat")), self.phrase("launch_reprompt"))
        for content_id in last.get("content_ids", []):
            conv.spoke_content(handler_input, content_id)
        if conv.awaiting(handler_input):
            conv.expect_answer(handler_input, conv.awaiting(handler_input))   # the same question, asked again
        # Rendered again from text and pauses: what comes back in the session is never markup.
        reprompt = last["reprompt"] or [["s", self.phrase("launch_reprompt")]]
        return ask(handler_input, Speech.from_segments(last["speech"]), Speech.from_segments(reprompt))


class YesNoHandler(_Handler):
    intents = ("AMAZON.YesIntent", "AMAZON.NoIntent")
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _any_intent("AMAZON.YesIntent", "AMAZON.NoIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        accepted = is_intent_name("AMAZON.YesIntent")(handler_input)
        response = answer_offer(handler_input, self.content, accepted)
        if response is not None:
            return response
        return ask(handler_input, Speech().say(self.phrase("answer_without_question")), self.phrase("fallback_reprompt"))


# Offers that "verder" or "ga door" accept: going on with what was already under way.
CONTINUE_MEANS_YES = ("more", "resume_triage")


class NothingToContinueHandler(_Handler):
    """"volgende", "vorige", "ga door" when no topic or session is running."""

    intents = ("AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.ResumeIntent")
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _any_intent("AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.ResumeIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        if is_intent_name("AMAZON.NextIntent")(handler_input) or is_intent_name("AMAZON.ResumeIntent")(handler_input):
            # "verder" after "Wil je meer weten?" means yes.
            offer = conv.pending_offer(handler_input)
            if offer is not None and offer["kind"] in CONTINUE_MEANS_YES:
                return answer_offer(handler_input, self.content, True)
        return ask(handler_input, Speech().say(self.phrase("nothing_to_continue")), self.phrase("fallback_reprompt"))


class SessionEndedHandler(_Handler):
    request_types = ("SessionEndedRequest",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(request.reason, "value", request.reason)
        error = getattr(request, "error", None)
        log.info("session ended: reason=%s%s", reason, f" error_type={error.object_type}" if error else "")
        session_ended(handler_input, self.content)     # a coach block heard to the end counts as done
        return handler_input.response_builder.response


# Requests that are answered with speech; every other kind gets an empty response (Alexa refuses
# speech in answer to AudioPlayer, PlaybackController, System and most other events).
SPOKEN_REQUESTS = ("LaunchRequest", "IntentRequest")


class CanFulfillHandler(_Handler):
    """Alexa asks whether the skill could take a request before it is opened by name. The skill
    does not take part in name-free interaction, so the answer is a plain NO, without speech."""

    request_types = ("CanFulfillIntentRequest",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        builder = handler_input.response_builder
        builder.set_can_fulfill_intent(CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO))
        return builder.response


class ExceptionEncounteredHandler(_Handler):
    """Alexa reports that the skill's previous response was refused: log the error type only."""

    request_types = ("System.ExceptionEncountered",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("System.ExceptionEncountered")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        error = getattr(handler_input.request_envelope.request, "error", None)
        kind = getattr(getattr(error, "object_type", None), "value", getattr(error, "object_type", None))
        log.warning("Alexa reported an error with an earlier response: type=%s", kind or "-")
        return handler_input.response_builder.response


class SilentRequestHandler(_Handler):
    """AudioPlayer.*, PlaybackController.* and every other event the skill has no use for: an
    empty response, which Alexa accepts for all of them. Registered last."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return getattr(request, "object_type", None) not in SPOKEN_REQUESTS + ("SessionEndedRequest",)

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Any failure becomes a friendly Dutch answer; the log names the code, never the listener's words.

    This handler must never raise itself: what escapes it reaches Lambda as an error. So every
    step is guarded, and the last resort is a response built from text rendered at start-up."""

    def __init__(self, content: Content):
        self.content = content
        self.last_resort = Speech().say(content.phrases("error")).ssml

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        try:
            # Exception messages can quote input (slot values), so only the type and the code path
            # are logged, not the message.
            import traceback
            frames = traceback.extract_tb(exception.__traceback__)
            where = " <- ".join(f"{f.name}@{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames[-4:]))
            log.error("unhandled %s at %s", type(exception).__name__, where)
        except Exception:
            pass
        try:
            request_type = getattr(handler_input.request_envelope.request, "object_type", None)
        except Exception:
            request_type = None
        if request_type not in SPOKEN_REQUESTS:
            return Response()                       # no speech where Alexa allows none
        try:
            # Whatever dialogue was going on may be what broke (content changed between turns, say):
            # leave it, so the next request starts clean instead of failing again.
            attrs = session(handler_input)
            for key in (conv.MODE, conv.OFFER, conv.TOPIC, conv.AWAITING, conv.LAST) + conv.DIALOGUE_STATES:
                attrs.pop(key, None)
            phrase = self.content.phrases
            handler_input.response_builder.response.card = None
            return ask(handler_input, Speech().say(phrase("error")), phrase("error_reprompt"))
        except Exception:
            return Response(output_speech=SsmlOutputSpeech(ssml=self.last_resort), should_end_session=True)
