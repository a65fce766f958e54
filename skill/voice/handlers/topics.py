"""Topic answers: the short answer first, then further parts offered with "Wil je meer weten?"."""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.core.content import Content, Topic
from skill.voice import conversation as conv
from skill.voice.conversation import ask, offer_handler, set_offer, session, spoke_content
from skill.voice.speech import Speech

def capitalize(text: str) -> str:
    """Dutch sentence case: "ijs of warmte" -> "IJs of warmte" (IJ is one letter)."""
    if text[:2].lower() == "ij":
        return "IJ" + text[2:]
    return text[:1].upper() + text[1:]


def speak_part(handler_input: HandlerInput, content: Content, topic: Topic, part: int,
               lead: Speech | None = None) -> Response:
    """Speaks part `part` of a topic (0 is the short answer) and offers what comes next."""
    part = max(0, min(part, len(topic.parts) - 1))
    session(handler_input)[conv.TOPIC] = {"id": topic.id, "part": part}
    spoke_content(handler_input, topic.id)
    out = lead or Speech()
    out.paragraph(topic.parts[part])
    phrase = content.phrases
    card = (capitalize(topic.title), topic.parts[part])
    if part + 1 < len(topic.parts):
        set_offer(handler_input, "more", topic=topic.id, part=part + 1)
        out.say(phrase("more_prompt"))
        return ask(handler_input, out, phrase("more_reprompt"), card=card)
    return offer_next_topic(handler_input, content, topic, out, card)


def offer_next_topic(handler_input: HandlerInput, content: Content, topic: Topic, out: Speech,
                     card: tuple[str, str] | None = None) -> Response:
    """At the end of a topic: offer exercises, the sport check or the symptom questions it leads to,
    else the first related topic."""
    phrase = content.phrases
    routine = content.coach.routines.get(topic.offer_routine) if topic.offer_routine else None
    if routine is not None:
        set_offer(handler_input, "start_routine", routine=routine.id)
        out.say(phrase("coach_offer_start", sessie=routine.title))
        return ask(handler_input, out, phrase("coach_offer_start", sessie=routine.title), card=card)
    if topic.offer_check:
        set_offer(handler_input, "start_check")
        out.say(phrase("rts_offer"))
        return ask(handler_input, out, phrase("rts_offer"), card=card)
    if topic.offer_triage:
        set_offer(handler_input, "start_triage")
        out.say(phrase("symptom_check_offer"))
        return ask(handler_input, out, phrase("symptom_check_offer"), card=card)
    for other_id in topic.related:
        other = content.topics[other_id]
        set_offer(handler_input, "related", topic=other_id)
        out.say(phrase("offer_related", onderwerp=other.title))
        return ask(handler_input, out, phrase("offer_related_reprompt", onderwerp=other.title), card=card)
    return conv.anything_else(handler_input, content, out, card=card)


@offer_handler("more")
def _more(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    topic = content.topics[offer["topic"]]
    if accepted:
        return speak_part(handler_input, content, topic, offer["part"])
    return conv.anything_else(handler_input, content, okay=True)


@offer_handler("related")
def _related(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    if accepted:
        return speak_part(handler_input, content, content.topics[offer["topic"]], 0)
    return conv.anything_else(handler_input, content, okay=True)


class TopicIntentHandler(conv.ContentHandler):
    """Every topic intent named in content/topics.yaml, and TopicIntent with an {onderwerp} slot."""

    request_types = ("IntentRequest",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return conv.asks_topic(handler_input, self.content)

    def handle(self, handler_input: HandlerInput) -> Response:
        session(handler_input).pop(conv.OFFER, None)
        topic = conv.topic_asked(handler_input, self.content)
        if topic is None:
            phrase = self.content.phrases
            return ask(handler_input, Speech().say(phrase("unknown_topic")), phrase("fallback_reprompt"))
        return speak_part(handler_input, self.content, topic, 0)


class TopicNavigationHandler(conv.ContentHandler):
    """"volgende" and "vorige" while listening to a topic move between its parts."""

    intents = ("AMAZON.NextIntent", "AMAZON.PreviousIntent")
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (session(handler_input).get(conv.TOPIC) is not None
                and not session(handler_input).get(conv.MODE)
                and (is_intent_name("AMAZON.NextIntent")(handler_input)
                     or is_intent_name("AMAZON.PreviousIntent")(handler_input)))

    def handle(self, handler_input: HandlerInput) -> Response:
        where = session(handler_input)[conv.TOPIC]
        topic = self.content.topics.get(where["id"])
        if topic is None:     # content changed between turns
            session(handler_input).pop(conv.TOPIC, None)
            return conv.anything_else(handler_input, self.content)
        session(handler_input).pop(conv.OFFER, None)
        if is_intent_name("AMAZON.NextIntent")(handler_input):
            if where["part"] + 1 >= len(topic.parts):
                return offer_next_topic(handler_input, self.content, topic, Speech())
            return speak_part(handler_input, self.content, topic, where["part"] + 1)
        if where["part"] == 0:
            lead = Speech().say(self.content.phrases("no_previous_part"))
            return speak_part(handler_input, self.content, topic, 0, lead)
        return speak_part(handler_input, self.content, topic, where["part"] - 1)
