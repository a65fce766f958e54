"""The rules every response obeys (Alexa's limits and certification requirements)."""
from __future__ import annotations

from skill.voice.speech import MAX_AUDIO_SECONDS, estimate_seconds, inspect_ssml


def assert_response_rules(turn) -> None:
    kind = turn.request["request"]["type"]
    if kind in ("SessionEndedRequest", "Reprompt"):
        return
    assert turn.ssml, f"no speech for {kind} {turn.intent}"
    for label, ssml in (("speech", turn.ssml), ("reprompt", turn.reprompt_ssml)):
        if ssml is None:
            continue
        report = inspect_ssml(ssml)
        assert report.ok, f"{label} breaks the SSML rules: {report.problems}\n{ssml}"
        assert estimate_seconds(ssml) <= MAX_AUDIO_SECONDS, f"{label} is longer than {MAX_AUDIO_SECONDS} s"
    if turn.end_session:
        assert turn.reprompt_ssml is None, "a closed session has a reprompt"
    else:
        assert turn.reprompt_ssml, "an open session has no reprompt"
