"""Honest boundaries: another body part, medication or taping gets one short sentence on what the
skill covers and who can help, never a hamstring answer or the hamstring triage as if it fitted.

In the middle of the triage or the sporttest, the open question is asked again after that sentence.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.voice import conversation as conv
from skill.voice.slots import resolved_id
from skill.voice.speech import Speech

INTENT = "OutOfScopeIntent"
SLOT = "buiten"
KINDS = ("body", "medication", "tape", "other")


class OutOfScopeHandler(conv.ContentHandler):
    intents = (INTENT,)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        kind = resolved_id(handler_input, SLOT)
        phrase = self.content.phrases
        if kind not in KINDS:
            # A carrier phrase around words no value of the type names ("mijn dochter heeft gisteren
            # iets verrekt, moet er ijs op"): nothing outside the hamstring was named, so the skill
            # does not claim it was; it says it did not follow, as for any utterance it cannot place.
            if conv.awaiting(handler_input) or conv.pending_offer(handler_input):
                return conv.ask_again(handler_input, Speech().say(phrase("not_understood")), phrase("fallback_reprompt"))
            return conv.ask(handler_input, Speech().say(phrase("fallback")), phrase("fallback_reprompt"))
        conv.spoke_content(handler_input, f"out_of_scope_{kind}")
        out = Speech().say(phrase(f"out_of_scope_{kind}"))
        return conv.ask_again(handler_input, out, phrase("out_of_scope_reprompt"), offer="anything_else")
