"""Honest boundaries: another body part, medication or taping gets one short sentence on what the
skill covers and who can help, never a hamstring answer or the hamstring triage as if it fitted.

In the middle of the triage or the sporttest, the open question is asked again after that sentence.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.voice import conversation as conv
from skill.voice.conversation import ask, session
from skill.voice.slots import resolved_id
from skill.voice.speech import Speech

INTENT = "OutOfScopeIntent"
SLOT = "buiten"
KINDS = ("body", "medication", "tape")


class OutOfScopeHandler(conv.ContentHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        kind = resolved_id(handler_input, SLOT)
        phrase = self.content.phrases
        out = Speech().say(phrase(f"out_of_scope_{kind if kind in KINDS else 'body'}"))
        last = session(handler_input).get(conv.LAST)
        if (conv.awaiting(handler_input) or conv.pending_offer(handler_input)) and last and last.get("reprompt"):
            # A question was open (triage, sporttest, an offer): ask it again; an answer still counts.
            if conv.awaiting(handler_input):
                conv.expect_answer(handler_input, conv.awaiting(handler_input))
            question = last["reprompt"]
            return ask(handler_input, out.extend(Speech.from_segments(question)), Speech.from_segments(question))
        return ask(handler_input, out.say(phrase("out_of_scope_reprompt")), phrase("out_of_scope_reprompt"))
