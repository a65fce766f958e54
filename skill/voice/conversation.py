"""The voice layer's shared vocabulary: session state, pending yes/no offers, and building replies.

Everything a conversation needs to remember between turns lives in Alexa session attributes,
under the keys named here. Nothing in this module logs or stores what the listener said.
"""
from __future__ import annotations

from typing import Any, Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill.core.content import Content, Topic
from skill.voice.slots import resolved_id
from skill.voice.speech import Speech

# Session attribute keys.
DISCLAIMER = "disclaimer_given"
TOPIC = "topic"          # {"id": topic id, "part": index of the last part spoken}
OFFER = "offer"          # the yes/no question that is open: {"kind": ..., ...}
LAST = "last"            # the last response, for "herhaal": {"speech": ssml, "reprompt": ssml}
MODE = "mode"            # which dialogue owns the conversation: None, "triage", "coach", ...
AWAITING = "awaiting"    # which question the last response asked, so only its answer counts
DIALOGUE_STATES = ("triage", "coach", "return_to_sport")   # each dialogue's own session state

TRACE = "trace"          # request attribute: what this turn spoke, for the simulator's trace
EXPECT = "expect"        # request attribute: the question this response asks (becomes AWAITING)


def session(handler_input: HandlerInput) -> dict[str, Any]:
    return handler_input.attributes_manager.session_attributes


def trace(handler_input: HandlerInput) -> dict[str, Any]:
    attrs = handler_input.attributes_manager.request_attributes
    return attrs.setdefault(TRACE, {"content_ids": [], "triage": None})


class ContentHandler(AbstractRequestHandler):
    """A request handler that speaks from the loaded content."""

    def __init__(self, content: Content):
        self.content = content


# Outside a routine, "hoe lang duurt het nog" asks how long recovery takes (the coach, when it
# runs, takes TimeLeftIntent first and says how long the session has left).
TOPIC_ALIASES = {"TimeLeftIntent": "RecoveryTimeIntent"}


def asks_topic(handler_input: HandlerInput, content: Content) -> bool:
    """Whether the request asks for a topic: a topic intent, TopicIntent, or an alias above."""
    if not is_request_type("IntentRequest")(handler_input):
        return False
    name = get_intent_name(handler_input)
    return name == "TopicIntent" or content.topic_for_intent(TOPIC_ALIASES.get(name, name)) is not None


def topic_asked(handler_input: HandlerInput, content: Content) -> Topic | None:
    """The topic the request asks for; None for a TopicIntent whose {onderwerp} names none."""
    name = get_intent_name(handler_input)
    if name == "TopicIntent":
        topic_id = resolved_id(handler_input, "onderwerp")
        return content.topics.get(topic_id) if topic_id else None
    return content.topic_for_intent(TOPIC_ALIASES.get(name, name))


def disclaimer_due(handler_input: HandlerInput, content: Content, out: Speech) -> bool:
    """Says the disclaimer into `out` the first time in a session; True when it did."""
    attrs = session(handler_input)
    if attrs.get(DISCLAIMER):
        return False
    attrs[DISCLAIMER] = True
    out.say(content.phrases("disclaimer"))
    return True


def expect_answer(handler_input: HandlerInput, question: str) -> None:
    """This response asks `question`; the next turn may answer it. Any other response clears it."""
    handler_input.attributes_manager.request_attributes[EXPECT] = question


def awaiting(handler_input: HandlerInput) -> str | None:
    """The question the previous response asked, if the listener is answering one."""
    return session(handler_input).get(AWAITING)


def enter_mode(handler_input: HandlerInput, mode: str, state_key: str | None = None, state: Any = None) -> None:
    """A dialogue takes over: whatever topic, offer or other dialogue was going on is dropped."""
    attrs = session(handler_input)
    for key in (TOPIC, OFFER) + tuple(k for k in DIALOGUE_STATES if k != state_key):
        attrs.pop(key, None)
    attrs[MODE] = mode
    if state_key is not None:
        attrs[state_key] = state


def leave_mode(handler_input: HandlerInput, *state_keys: str) -> None:
    attrs = session(handler_input)
    attrs.pop(MODE, None)
    for key in state_keys:
        attrs.pop(key, None)


def spoke_content(handler_input: HandlerInput, content_id: str) -> None:
    ids = trace(handler_input)["content_ids"]
    if content_id not in ids:
        ids.append(content_id)


# ---------------------------------------------------------------- pending yes/no offers

OfferHandler = Callable[[HandlerInput, Content, dict, bool], Response]
_OFFER_HANDLERS: dict[str, OfferHandler] = {}


def offer_handler(kind: str) -> Callable[[OfferHandler], OfferHandler]:
    """Registers what "ja" and "nee" mean after an offer of this kind."""
    def register(function: OfferHandler) -> OfferHandler:
        _OFFER_HANDLERS[kind] = function
        return function
    return register


def set_offer(handler_input: HandlerInput, kind: str, **details: Any) -> None:
    if kind not in _OFFER_HANDLERS:
        raise KeyError(f"no handler for offers of kind {kind!r}")
    session(handler_input)[OFFER] = {"kind": kind, **details}


def pending_offer(handler_input: HandlerInput) -> dict | None:
    return session(handler_input).get(OFFER)


def answer_offer(handler_input: HandlerInput, content: Content, accepted: bool) -> Response | None:
    """Resolves the open offer with yes or no; None when no offer is open."""
    offer = session(handler_input).pop(OFFER, None)
    if not offer:
        return None
    return _OFFER_HANDLERS[offer["kind"]](handler_input, content, offer, accepted)


# ---------------------------------------------------------------- replies

def reply(handler_input: HandlerInput, speech: Speech, reprompt: Speech | None = None, *,
          end: bool = False, card: tuple[str, str] | None = None) -> Response:
    """The one way handlers answer. An open session always gets a reprompt; a closed one never."""
    if end and reprompt is not None:
        raise ValueError("a response that ends the session cannot have a reprompt")
    if not end and reprompt is None:
        raise ValueError("a response that keeps the session open needs a reprompt")
    builder = handler_input.response_builder
    builder.speak(speech.ssml)
    if reprompt is not None:
        builder.ask(reprompt.ssml)
    if card is not None:
        builder.set_card(SimpleCard(title=card[0], content=card[1]))
    builder.set_should_end_session(end)
    if end:
        session(handler_input).pop(OFFER, None)
    return builder.response


def ask(handler_input: HandlerInput, speech: Speech, reprompt_text: str | Speech, **kwargs: Any) -> Response:
    reprompt = reprompt_text if isinstance(reprompt_text, Speech) else Speech().say(reprompt_text)
    return reply(handler_input, speech, reprompt, **kwargs)


def close(handler_input: HandlerInput, speech: Speech) -> Response:
    return reply(handler_input, speech, None, end=True)


def ask_again(handler_input: HandlerInput, lead: Speech, otherwise: str, offer: str | None = None) -> Response:
    """After something said in between: the question that was open (triage, sporttest, an offer) is
    asked again and still counts; with none open, `otherwise` is asked, as the yes/no `offer` when
    given ("Wil je iets weten over je hamstring?": "nee" then ends politely)."""
    last = session(handler_input).get(LAST)
    if (awaiting(handler_input) or pending_offer(handler_input)) and last and last.get("reprompt"):
        if awaiting(handler_input):
            expect_answer(handler_input, awaiting(handler_input))
        question = last["reprompt"]
        return ask(handler_input, lead.extend(Speech.from_segments(question)), Speech.from_segments(question))
    if offer and not session(handler_input).get(MODE):
        set_offer(handler_input, offer)
    return ask(handler_input, lead.say(otherwise), otherwise)


def anything_else(handler_input: HandlerInput, content: Content, lead: Speech | None = None,
                  okay: bool = False, **kwargs: Any) -> Response:
    """"(Oké.) Wat wil je nog meer weten?": the open question after something is finished. It is
    a yes/no question too: "nee" ends politely, "ja" asks what, and a question is simply answered."""
    out = lead or Speech()
    if okay:
        out.say(content.phrases("okay"))
    out.say(content.phrases("anything_else"))
    if not session(handler_input).get(MODE):      # inside a dialogue, ja and nee stay its answers
        set_offer(handler_input, "anything_else")
    return ask(handler_input, out, content.phrases("anything_else_reprompt"), **kwargs)


def _anything_else_answered(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    if accepted:
        return ask(handler_input, Speech().say(content.phrases("ask_away")), content.phrases("anything_else_reprompt"))
    return close(handler_input, Speech().say(content.phrases("goodbye")))


_OFFER_HANDLERS["anything_else"] = _anything_else_answered


def offer_routine(handler_input: HandlerInput, content: Content, routine_id: str, out: Speech,
                  then_topic: str | None = None, **kwargs: Any) -> Response:
    """"Zal ik je door revalidatie fase één leiden?"; `then_topic` is offered instead after "nee"."""
    routine = content.coach.routine(routine_id)
    set_offer(handler_input, "start_routine", routine=routine.id, then_topic=then_topic)
    question = content.phrases("coach_offer_start", sessie=routine.title)
    out.say(question)
    return ask(handler_input, out, question, **kwargs)


def offer_topic(handler_input: HandlerInput, content: Content, topic_id: str, out: Speech, **kwargs: Any) -> Response:
    """"Wil je ook iets horen over ...?"."""
    topic = content.topics[topic_id]
    set_offer(handler_input, "related", topic=topic.id)
    out.say(content.phrases("offer_related", onderwerp=topic.title))
    return ask(handler_input, out, content.phrases("offer_related_reprompt", onderwerp=topic.title), **kwargs)
