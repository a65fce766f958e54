"""Speech rendering: plain Dutch text in, valid Alexa SSML out; plus the checks every response obeys.

Content holds plain text. Only this module writes SSML, so escaping, pauses and limits are
handled in one place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

MAX_BREAK_SECONDS = 10.0          # Alexa ignores or rejects longer <break>s
MAX_SPEECH_CHARS = 8000           # outputSpeech limit, SSML included
MAX_AUDIO_SECONDS = 240.0         # what one response may hold, speech and pauses together

# Tags Alexa supports in SSML (developer docs, "Speech Synthesis Markup Language Reference").
SUPPORTED_TAGS = frozenset({
    "speak", "amazon:domain", "amazon:effect", "amazon:emotion", "audio", "break", "emphasis",
    "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "voice", "w",
})

from skill.core.timing import CHARS_PER_SECOND, speaking_seconds  # noqa: E402  (one speaking rate for all)
_PARAGRAPH_PAUSE = 0.6            # an implied pause after </p>
_SENTENCE_PAUSE = 0.3             # after </s>


@dataclass
class Speech:
    """Builds one outputSpeech. Text is escaped; pauses longer than 10 s are split.

    It counts as it goes what `estimate_seconds` would read back from the finished SSML (spoken
    characters, pauses, paragraphs), so `seconds` costs nothing at any point of a long coach block;
    tests/test_speech.py holds the two equal."""

    parts: list[str] = field(default_factory=list)
    _chars: int = field(default=0, repr=False, compare=False)       # spoken characters, words joined by one space
    _texts: int = field(default=0, repr=False, compare=False)       # texts said (a space between each two)
    _breaks: list[float] = field(default_factory=list, repr=False, compare=False)
    _paragraphs: int = field(default=0, repr=False, compare=False)

    def say(self, *texts: str) -> "Speech":
        for text in texts:
            chars, rendered = _said(text)
            if chars:
                self.parts.append(rendered)
                self._chars += chars
                self._texts += 1
        return self

    def paragraph(self, text: str) -> "Speech":
        chars, rendered = _said(text)
        if chars:
            self.parts.append(f"<p>{rendered}</p>")
            self._chars += chars
            self._texts += 1
            self._paragraphs += 1
        return self

    def pause(self, seconds: float) -> "Speech":
        tags, steps = _pauses(seconds)
        self.parts.extend(tags)
        self._breaks.extend(steps)
        return self

    def extend(self, other: "Speech") -> "Speech":
        self.parts.extend(other.parts)
        self._chars += other._chars
        self._texts += other._texts
        self._breaks.extend(other._breaks)
        self._paragraphs += other._paragraphs
        return self

    @property
    def seconds(self) -> float:
        """How long this takes to play: the same figure as `estimate_seconds(self.ssml)`."""
        chars = self._chars + max(self._texts - 1, 0)
        return chars / CHARS_PER_SECOND + sum(self._breaks) + self._paragraphs * _PARAGRAPH_PAUSE

    @classmethod
    def from_segments(cls, segments: list) -> "Speech":
        """Renders speech kept as data (see `to_segments`) again: text escaped, pauses checked."""
        out = cls()
        for kind, value in segments:
            if kind == "b":
                out.pause(value)
            elif kind == "p":
                out.paragraph(value)
            else:
                out.say(value)
        return out

    @classmethod
    def of_cues(cls, cues: list, skip: int = 0) -> "Speech":
        """A coach script's cues (("say", text) | ("pause", seconds)) from `skip` on, spoken. The
        coach's scripts are kept and shared (skill.core.coach), so their speech is kept too."""
        key = (id(cues), skip)
        kept = _CUE_SPEECH.get(key)
        if kept is not None and kept[0] is cues:
            return kept[1]
        out = cls()
        for kind, value in cues[skip:]:
            out.say(value) if kind == "say" else out.pause(value)
        if len(_CUE_SPEECH) >= 512:
            _CUE_SPEECH.clear()
        _CUE_SPEECH[key] = (cues, out)           # the cues are kept with it: their id stays theirs
        return out

    def __bool__(self) -> bool:
        return bool(self.parts)

    @property
    def ssml(self) -> str:
        return "<speak>" + " ".join(self.parts) + "</speak>"


_CUE_SPEECH: dict = {}

# Characters XML 1.0 does not allow, escaped or not: text holding one never becomes valid SSML.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Said the way Dutch speakers say it: the emergency number is "één één twee", not "honderdtwaalf".
_SPOKEN_AS = {"112": "één één twee"}
_SPOKEN_AS_PATTERN = re.compile(r"(?<![\w.,])(" + "|".join(map(re.escape, _SPOKEN_AS)) + r")(?![\w])")


@lru_cache(maxsize=4096)
def _said(text: str) -> tuple[int, str]:
    """(spoken characters, SSML) of one text: a coach block says the same counts and cues again and again."""
    text = " ".join(text.split())
    return len(text), _render(text) if text else ""


@lru_cache(maxsize=1024)
def _pauses(seconds: float) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """A pause as <break>s of at most 10 s, with the seconds each one reads back as."""
    tags, steps = [], []
    remaining = round(float(seconds), 3)
    while remaining > 0:
        step = min(remaining, MAX_BREAK_SECONDS)
        tags.append(_break(step))
        steps.append(float(int(step)) if step == int(step) else int(round(step * 1000)) / 1000)
        remaining = round(remaining - step, 3)
    return tuple(tags), tuple(steps)


def _escape(text: str) -> str:
    """html.escape(text, quote=False), without importing html (and html.entities) at start-up."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _render(text: str) -> str:
    escaped = _escape(text)
    return _SPOKEN_AS_PATTERN.sub(lambda m: f'<sub alias="{_SPOKEN_AS[m.group(1)]}">{m.group(1)}</sub>', escaped)


def _break(seconds: float) -> str:
    if seconds == int(seconds):
        return f'<break time="{int(seconds)}s"/>'
    return f'<break time="{int(round(seconds * 1000))}ms"/>'


# ---------------------------------------------------------------- checks and measurements

_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")
_STRENGTH = {"none": 0.0, "x-weak": 0.0, "weak": 0.35, "medium": 0.75, "strong": 1.0, "x-strong": 1.25}


def break_seconds(attrs: dict[str, str]) -> float:
    if "time" in attrs:
        match = _TIME.match(attrs["time"])
        if not match:
            raise ValueError(f"unreadable break time {attrs['time']!r}")
        value = float(match.group(1))
        return value / 1000 if match.group(2) == "ms" else value
    return _STRENGTH.get(attrs.get("strength", "medium"), 0.75)


@dataclass
class SsmlReport:
    problems: list[str]
    text: str                 # what is spoken, tags removed
    breaks: list[float]       # every explicit pause, in seconds

    @property
    def ok(self) -> bool:
        return not self.problems


def inspect_ssml(ssml: str) -> SsmlReport:
    """Parses SSML as Alexa would and lists every rule it breaks."""
    import xml.parsers.expat

    problems: list[str] = []
    text_parts: list[str] = []
    breaks: list[float] = []
    depth = [0]
    if len(ssml) > MAX_SPEECH_CHARS:
        problems.append(f"speech is {len(ssml)} characters, more than {MAX_SPEECH_CHARS}")
    parser = xml.parsers.expat.ParserCreate()   # no namespace processing: amazon:* stays one name

    def start(name, attrs):
        if depth[0] == 0 and name != "speak":
            problems.append(f"root element is <{name}>, not <speak>")
        depth[0] += 1
        if name not in SUPPORTED_TAGS:
            problems.append(f"unsupported tag <{name}>")
        if name == "break":
            try:
                seconds = break_seconds(attrs)
            except ValueError as exc:
                problems.append(str(exc))
                return
            breaks.append(seconds)
            if seconds > MAX_BREAK_SECONDS:
                problems.append(f"<break> of {seconds:g} s is longer than {MAX_BREAK_SECONDS:g} s")

    def end(name):
        depth[0] -= 1
        if name == "p":
            text_parts.append("\n")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text_parts.append
    try:
        parser.Parse(ssml, True)
    except xml.parsers.expat.ExpatError as exc:
        problems.append(f"not well-formed XML: {exc}")
    text = re.sub(r"[ \t]+", " ", "".join(text_parts))
    text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
    return SsmlReport(problems, text, breaks)


def estimate_seconds(ssml: str, chars_per_second: float = CHARS_PER_SECOND) -> float:
    """How long a response takes to play: spoken text at the stated rate plus every pause."""
    report = inspect_ssml(ssml)
    paragraphs = ssml.count("</p>")
    sentences = ssml.count("</s>")
    return (speaking_seconds(report.text.replace("\n", " "), chars_per_second) + sum(report.breaks)
            + paragraphs * _PARAGRAPH_PAUSE + sentences * _SENTENCE_PAUSE)


def plain_text(ssml: str) -> str:
    """SSML as a reader sees it in the simulator: tags removed, pauses shown as [pauze 10 s]."""
    def show_break(match: re.Match) -> str:
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', match.group(0)))
        try:
            seconds = break_seconds(attrs)
        except ValueError:
            return " [pauze ?] "
        shown = f"{seconds:g}".replace(".", ",")
        return f" [pauze {shown} s] "

    marked = re.sub(r"<break\b[^>]*/>", show_break, ssml)
    marked = marked.replace("</p>", "\n")
    text = re.sub(r"<[^>]+>", "", marked)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    # Consecutive pauses read better as one: [pauze 10 s] [pauze 5 s] -> [pauze 15 s]
    text = _merge_pauses(text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _merge_pauses(text: str) -> str:
    pattern = re.compile(r"\[pauze ([\d,]+) s\]\s*\[pauze ([\d,]+) s\]")
    while True:
        match = pattern.search(text)
        if not match:
            return text
        total = float(match.group(1).replace(",", ".")) + float(match.group(2).replace(",", "."))
        text = text[:match.start()] + f"[pauze {total:g} s]".replace(".", ",") + text[match.end():]


def to_segments(ssml: str) -> list[list]:
    """SSML this module wrote, as data: [["s", text] | ["p", text] | ["b", seconds], ...].

    "herhaal" keeps this in the session instead of SSML, and `Speech.from_segments` renders it
    again, so whatever comes back in a session attribute is spoken as text, never as markup.
    Read with a scanner for the few tags `Speech` writes (every turn does this); anything else
    goes to the XML parser (tests/test_speech.py holds the two to the same result). Most answers
    are the same text for every listener, so what was read is kept (a fresh copy each time)."""
    return [list(segment) for segment in _segments_of(ssml)]


@lru_cache(maxsize=512)
def _segments_of(ssml: str) -> tuple[tuple, ...]:
    return tuple(tuple(segment) for segment in _scan_segments(ssml))


def _scan_segments(ssml: str) -> list[list]:
    segments: list[list] = []
    text: list[str] = []
    paragraph: list[str] | None = None
    depth = 0                                   # open <sub>s
    position = 0
    for match in _TOKEN.finditer(ssml):
        if match.start() != position:
            return _to_segments_xml(ssml)
        position = match.end()
        tag, words = match.group("tag"), match.group("text")
        if words is not None:
            (paragraph if paragraph is not None else text).append(_unescape(words))
        elif tag in ("<speak>", "</speak>"):
            if (tag == "<speak>") != (match.start() == 0) or (tag == "</speak>") != (match.end() == len(ssml)):
                return _to_segments_xml(ssml)
        elif tag == "<p>":
            if paragraph is not None or depth:
                return _to_segments_xml(ssml)
            _flush(segments, text)
            paragraph = []
        elif tag == "</p>":
            if paragraph is None or depth:
                return _to_segments_xml(ssml)
            joined = " ".join("".join(paragraph).split())
            if joined:
                segments.append(["p", joined])
            paragraph = None
        elif tag.startswith("<sub"):
            depth += 1
        elif tag == "</sub>":
            depth -= 1
            if depth < 0:
                return _to_segments_xml(ssml)
        else:                                   # <break time="..."/>
            if paragraph is not None or depth:
                return _to_segments_xml(ssml)
            _flush(segments, text)
            seconds = break_seconds({"time": match.group("time")})
            if seconds > 0:
                segments.append(["b", seconds])
    if position != len(ssml) or paragraph is not None or depth or not ssml.startswith("<speak>"):
        return _to_segments_xml(ssml)
    _flush(segments, text)
    return segments


_TOKEN = re.compile(r'(?P<tag><speak>|</speak>|<p>|</p>|<sub alias="[^"<>&]*">|</sub>|<break time="(?P<time>[0-9.]+m?s)"/>)'
                    r"|(?P<text>[^<]+)")
_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name in _NAMED:
            return _NAMED[name]
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    return _ENTITY.sub(one, text)


def _flush(segments: list[list], text: list[str]) -> None:
    joined = " ".join("".join(text).split())
    if joined:
        segments.append(["s", joined])
    text.clear()


def _to_segments_xml(ssml: str) -> list[list]:
    """`to_segments` for any SSML, through the XML parser."""
    import xml.etree.ElementTree as ElementTree

    segments: list[list] = []
    text: list[str] = []

    def flush() -> None:
        _flush(segments, text)

    def walk(element) -> None:
        for child in element:
            if child.tag == "break":
                flush()
                seconds = break_seconds(child.attrib)
                if seconds > 0:
                    segments.append(["b", seconds])
            elif child.tag == "p":
                flush()
                joined = " ".join("".join(child.itertext()).split())
                if joined:
                    segments.append(["p", joined])
            else:                                   # <sub>: its written text, rendered again
                text.append(child.text or "")
                walk(child)
            text.append(child.tail or "")

    root = ElementTree.fromstring(ssml)
    text.append(root.text or "")
    walk(root)
    flush()
    return segments
