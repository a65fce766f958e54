"""Request and response interceptors: privacy-safe logging, the repeat cache, the trace.

Logging rule: request type, intent name and outcome. Never slot values, never what was said,
never triage answers or outcomes.
"""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.core.content import Content
from skill.voice import conversation as conv
from skill.voice.speech import Speech

log = logging.getLogger("hamstring.skill")


class LogRequest(AbstractRequestInterceptor):
    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
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
        attrs = conv.session(handler_input)
        if (response is None or response.output_speech is None or attrs.get(conv.DISCLAIMER)
                or response.should_end_session):
            return
        attrs[conv.DISCLAIMER] = True
        disclaimer = Speech().say(self.content.phrases("disclaimer")).ssml
        response.output_speech.ssml = (disclaimer.removesuffix("</speak>") + " "
                                       + response.output_speech.ssml.removeprefix("<speak>"))


class RememberLastResponse(AbstractResponseInterceptor):
    """Caches speech and reprompt so "herhaal" can say exactly the same again."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if response is None or response.output_speech is None or response.should_end_session:
            return
        conv.session(handler_input)[conv.LAST] = {
            "speech": response.output_speech.ssml,
            "reprompt": response.reprompt.output_speech.ssml if response.reprompt else None,
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
