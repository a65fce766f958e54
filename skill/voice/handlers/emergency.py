"""An emergency named in the listener's own words ("ik krijg geen lucht", "bel een ambulance").

This handler comes before every dialogue, so the sign is heard at launch, in a one-shot, in a topic,
on any triage question, in the middle of an exercise and in the sporttest. The first sentence says
what to do now (112, or the spoedeisende hulp for saddle signs), one sentence says why, and the
session ends so the listener can call. What was said is neither logged nor stored.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.voice import conversation as conv
from skill.voice.conversation import ask, close, session, trace
from skill.voice.slots import resolved_id
from skill.voice.speech import Speech

INTENT = "EmergencyIntent"
SLOT = "teken"
GENERAL = "general"


class EmergencyHandler(conv.ContentHandler):
    intents = (INTENT,)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        protocol = self.content.triage
        signs = protocol.emergency_signs
        sign_id = resolved_id(handler_input, SLOT)
        if sign_id is None:
            # A carrier phrase matched ("mijn kuit is dik en ...") but the words are no sign we know:
            # say what to do in an emergency first, then ask again whatever was open.
            return self._unsure(handler_input)
        sign = signs.get(sign_id) or signs[GENERAL]
        attrs = session(handler_input)
        for key in (conv.TOPIC, conv.OFFER, conv.MODE, "triage", "return_to_sport"):
            attrs.pop(key, None)          # whatever was going on, the answers are not needed any more
        trace(handler_input)["emergency"] = sign.id
        out = Speech().say(sign.advice or protocol.advice["emergency"], sign.why,
                           self.content.phrases("emergency_end"))
        return close(handler_input, out)

    def _unsure(self, handler_input: HandlerInput) -> Response:
        phrase = self.content.phrases
        return conv.ask_again(handler_input, Speech().say(phrase("emergency_unsure")), phrase("out_of_scope_reprompt"))
