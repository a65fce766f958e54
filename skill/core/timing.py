"""How long spoken text takes. Shared by the coach (pure core) and the SSML renderer.

Alexa's Dutch voice speaks about 150 words a minute; Dutch words average some five and a half
letters plus a space, which gives about 14 characters a second. The coach uses the same figure to
keep every response under Alexa's 240 seconds and to know what was playing when the listener
interrupts.
"""
from __future__ import annotations

CHARS_PER_SECOND = 14.0


def speaking_seconds(text: str, chars_per_second: float = CHARS_PER_SECOND) -> float:
    return len(" ".join(text.split())) / chars_per_second
