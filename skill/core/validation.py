"""Loading YAML written by editors, with errors that name file, line and key in Dutch.

Editors are physiotherapists, not programmers: every problem is reported as
`content/topics.yaml, regel 14, topics[2].short: ...` so they can find it, and all problems of a
file are reported at once rather than one per run.
"""
from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

# yaml and jsonschema are imported where they are used: the compiled snapshot
# (skill.adapters.snapshot) unpickles the content classes without reading YAML or validating.


def _yaml():
    import yaml
    return yaml


def fast_loader():
    """libyaml's SafeLoader when PyYAML was built with it (about ten times faster), else the pure-Python one."""
    yaml = _yaml()
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple  # a key path inside a document: ("topics", 2, "short")

_TYPE_NAMES = {
    "string": "tekst",
    "integer": "een geheel getal",
    "number": "een getal",
    "array": "een lijst",
    "object": "een blok met sleutels",
    "boolean": "ja of nee (true/false)",
    "null": "niets",
}


@dataclass(frozen=True)
class Problem:
    """One problem in one file, ready to show to an editor."""

    file: str
    key: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, regel {self.line}"
        return f"{where}, {self.key or '(bestand)'}: {self.message}"


class ContentError(Exception):
    """Raised when content cannot be used. `problems` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        header = "1 fout in de inhoud" if count == 1 else f"{count} fouten in de inhoud"
        super().__init__(header + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


def key_name(path: Iterable[Any]) -> str:
    """("topics", 2, "short") -> "topics[2].short"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass
class Document:
    """A parsed YAML file that remembers on which line every key and item stands."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Iterable[Any]) -> int | None:
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def problem(self, path: Iterable[Any], message: str) -> Problem:
        path = tuple(path)
        return Problem(self.file, key_name(path), message, self.line(path))


def display_name(path: Path, base: Path | None = None) -> str:
    """The file name as an editor knows it: relative to the repository when possible."""
    try:
        return str(path.resolve().relative_to((base or path.resolve().parents[1]).resolve()))
    except ValueError:
        return str(path)


def load_document(path: Path, shown_as: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML file. Returns the document, or None with the problems that stop parsing."""
    name = shown_as or display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(name, "", "bestand ontbreekt")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, "", f"geen geldige UTF-8-tekst (byte {exc.start}); sla het bestand op als UTF-8")]
    yaml = _yaml()
    alias_problems = _refuse_aliases(name, text)
    if alias_problems:
        return None, alias_problems
    try:
        return _parse(name, text, fast_loader())
    except yaml.MarkedYAMLError:
        pass
    # Something is wrong with the file: parse it again with the pure-Python loader, whose messages
    # the editors' hints (_yaml_problem) are written for. Only broken files pay for that.
    try:
        return _parse(name, text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return None, [_unclosed_quote(name, text, exc) or _parser_problem(name, exc)]


def _parse(name: str, text: str, loader_class) -> tuple[Document | None, list[Problem]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(name, "", "het bestand is leeg")]
        doc = Document(name, None)
        problems: list[Problem] = []
        _index(node, (), doc, problems)
        doc.data = loader.construct_document(node)
    finally:
        loader.dispose()
    return doc, problems


_KEY_LINE = re.compile(r"^\s*(- )?[\w-]+:(\s|$)")


def _unclosed_quote(name: str, text: str, exc) -> Problem | None:
    """A quote left open runs on to the next quote in the file, and the parser complains far
    below. A quoted text that spans a line that looks like `sleutel:` is that mistake: name the
    line where the quote opens."""
    yaml = _yaml()
    error_line = (exc.problem_mark or exc.context_mark).line if (exc.problem_mark or exc.context_mark) else None
    lines = text.splitlines()
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if not isinstance(token, yaml.ScalarToken) or token.style not in ('"', "'"):
                continue
            first, last = token.start_mark.line, token.end_mark.line
            if error_line is not None and first > error_line:
                break
            if last > first and any(_KEY_LINE.match(line) for line in lines[first + 1:last + 1]):
                return Problem(name, "", "YAML kan niet gelezen worden: op deze regel begint tekst met een "
                                         "aanhalingsteken dat niet op dezelfde regel wordt gesloten "
                                         f"(de tekst loopt door tot regel {last + 1})", first + 1)
    except yaml.MarkedYAMLError:
        return None
    return None


def _parser_problem(name: str, exc) -> Problem:
    # An unclosed quote is noticed only where the file ends; the editor needs the line it opens on.
    opened = (exc.context or "").startswith(("while scanning a quoted scalar", "while scanning a block scalar"))
    mark = (exc.context_mark if opened else None) or exc.problem_mark or exc.context_mark
    return Problem(name, "", _yaml_problem(exc), mark.line + 1 if mark else None)


def _refuse_aliases(name: str, text: str) -> list[Problem]:
    """Anchors (&naam) and aliases (*naam) are refused before anything is built from the file.

    They let nine lines stand for billions of values (an "alias bomb"), and content never needs
    them. Scanning tokens takes time in proportion to the file, whatever it holds."""
    yaml = _yaml()
    if "&" not in text and "*" not in text:
        return []                         # no anchor or alias can be written without one of these
    problems = []
    try:
        for token in yaml.scan(text, Loader=fast_loader()):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                sign = "&" if isinstance(token, yaml.AnchorToken) else "*"
                problems.append(Problem(name, "", f"'{sign}{token.value}' is een YAML-anker of -verwijzing; die zijn "
                                                  "in de inhoud niet toegestaan. Schrijf de tekst voluit, en zet "
                                                  "tekst die met & of * begint tussen aanhalingstekens",
                                        token.start_mark.line + 1))
                if len(problems) >= 5:
                    break
    except yaml.MarkedYAMLError:
        if problems:
            return problems
        try:                              # the pure-Python scanner's messages, for the hints
            for _ in yaml.scan(text, Loader=yaml.SafeLoader):
                pass
        except yaml.MarkedYAMLError as exc:
            return [_parser_problem(name, exc)]
    return problems


def _yaml_problem(exc) -> str:
    raw = f"{exc.context or ''} {exc.problem or ''}".strip()
    hints = [
        ("while scanning a quoted scalar", "op deze regel begint tekst met een aanhalingsteken dat nergens wordt gesloten"),
        ("found character '\\t'", "er staat een tab; gebruik spaties om in te springen"),
        ("mapping values are not allowed", "een dubbele punt op een onverwachte plek; zet tekst met een dubbele punt tussen aanhalingstekens of gebruik >-"),
        ("could not find expected ':'", "een regel zonder dubbele punt na de sleutel, of verkeerd ingesprongen"),
        ("did not find expected key", "verkeerd ingesprongen: controleer de spaties aan het begin van de regel"),
        ("did not find expected '-' indicator", "verkeerd ingesprongen lijst: elk item begint met '- ' op dezelfde hoogte"),
        ("found undefined alias", "een * zonder bijbehorend anker; zet de tekst tussen aanhalingstekens"),
        ("found unexpected end of stream", "het bestand houdt onverwacht op; ontbreekt er een aanhalingsteken?"),
        ("found character that cannot start any token", "een teken dat niet aan het begin van een waarde mag staan (zoals @ of `); zet de tekst tussen aanhalingstekens"),
        ("found unknown escape character", "een \\ binnen aanhalingstekens met een onbekende code; laat de \\ weg of gebruik enkele aanhalingstekens"),
        ("expected ',' or ']'", "een lijst tussen [ en ] is niet goed gesloten"),
        ("expected ',' or '}'", "een blok tussen { en } is niet goed gesloten"),
        ("expected <block end>", "verkeerd ingesprongen: deze regel past niet bij het blok erboven"),
        ("while scanning a simple key", "een regel zonder dubbele punt na de sleutel, of verkeerd ingesprongen"),
        ("while scanning an alias", "een * of & gevolgd door een teken dat niet mag; zet de tekst tussen aanhalingstekens"),
        ("while scanning an anchor", "een * of & gevolgd door een teken dat niet mag; zet de tekst tussen aanhalingstekens"),
        ("while scanning a block scalar", "de tekst na > of | is niet goed ingesprongen"),
        ("while scanning a directive", "een regel die met % begint; zet de tekst tussen aanhalingstekens"),
    ]
    for needle, hint in hints:
        if needle in raw:
            return f"YAML kan niet gelezen worden: {hint}"
    # Never the parser's English: editors read Dutch. The line number says where to look.
    return "YAML kan niet gelezen worden: controleer op deze regel de aanhalingstekens, dubbele punten en het inspringen"


def _index(node, path: Path_, doc: Document, problems: list[Problem]) -> None:
    yaml = _yaml()
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(doc.file, key_name(path + (key,)),
                                        f"deze sleutel staat er twee keer (ook op regel {seen[key]}); de tweede zou de eerste stilletjes vervangen",
                                        line))
            seen[key] = line
            _index(value_node, path + (key,), doc, problems)
            doc.lines[path + (key,)] = line  # the key's line, not where its value starts
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, path + (i,), doc, problems)


@lru_cache(maxsize=None)
def schema(name: str) -> dict:
    from importlib import resources
    text = resources.files("skill.core").joinpath("schemas", f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


def check_schema(doc: Document, schema_name: str) -> list[Problem]:
    """Validate a document against a JSON schema, with every error in Dutch."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema(schema_name))
    problems = []
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        for path, message in _explain(error):
            problems.append(doc.problem(path, message))
    return problems


def _explain(error) -> list[tuple[tuple, str]]:
    path = tuple(error.absolute_path)
    v, value, inst, sch = error.validator, error.validator_value, error.instance, error.schema
    custom = sch.get("x-fout")
    if custom and v not in ("required", "additionalProperties", "type"):
        return [(path, custom)]
    if v == "required":
        missing = [k for k in value if isinstance(inst, dict) and k not in inst]
        return [(path, f"de sleutel '{k}' ontbreekt") for k in missing]
    if v == "additionalProperties":
        known = list(sch.get("properties", {}))
        out = []
        for extra in [k for k in inst if k not in known]:
            import difflib
            guess = difflib.get_close_matches(str(extra), known, n=1)
            hint = f"; bedoel je '{guess[0]}'?" if guess else f"; toegestaan zijn: {', '.join(known)}"
            if " " in str(extra):
                hint = ("; dit lijkt tekst na een komma binnen { }. Zet de tekst tussen aanhalingstekens, "
                        "of schrijf elke sleutel op een eigen regel")
            out.append((path + (extra,), f"onbekende sleutel '{extra}'{hint}"))
        return out
    if v == "type":
        wanted = value if isinstance(value, list) else [value]
        names = " of ".join(_TYPE_NAMES.get(t, t) for t in wanted)
        return [(path, f"hier hoort {names}, maar er staat {_describe(inst)}")]
    if v == "maxLength":
        return [(path, f"de tekst is {len(inst)} tekens lang; het maximum is {value}. Maak hem korter of verdeel hem over meer delen")]
    if v == "minLength":
        return [(path, "de tekst is leeg" if not inst else f"de tekst is te kort (minstens {value} tekens)")]
    if v == "maxItems":
        return [(path, f"de lijst heeft {len(inst)} items; het maximum is {value}")]
    if v == "minItems":
        return [(path, f"de lijst heeft {len(inst)} items; er zijn er minstens {value} nodig")]
    if v == "enum":
        return [(path, f"'{inst}' is geen geldige waarde; kies uit: {', '.join(map(str, value))}")]
    if v == "const":
        return [(path, f"hier hoort '{value}'")]
    if v == "pattern":
        return [(path, f"'{inst}' heeft niet de juiste vorm")]
    if v in ("minimum", "exclusiveMinimum"):
        return [(path, f"{inst} is te klein (minimaal {value})")]
    if v in ("maximum", "exclusiveMaximum"):
        return [(path, f"{inst} is te groot (maximaal {value})")]
    if v == "uniqueItems":
        return [(path, "er staat iets dubbel in deze lijst")]
    if v in ("oneOf", "anyOf"):
        return [(path, custom or "deze waarde past bij geen van de toegestane vormen")]
    return [(path, custom or f"ongeldige waarde ({v})")]


def _describe(value: Any) -> str:
    if value is None:
        return "niets"
    if isinstance(value, bool):
        return "ja/nee"
    if isinstance(value, (int, float)):
        return f"het getal {value}"
    if isinstance(value, str):
        return f"de tekst '{value[:40]}'"
    if isinstance(value, list):
        return "een lijst"
    if isinstance(value, dict):
        return "een blok met sleutels"
    return type(value).__name__


# ---------------------------------------------------------------- spoken text, shared by every content file

MAX_PART_CHARS = 600     # about 45 seconds of speech

# Characters that would break SSML or that Alexa reads aloud oddly. Editors write "en", not "&".
_UNSAFE = {
    "<": "schrijf 'kleiner dan' of laat het weg",
    ">": "schrijf 'groter dan' of laat het weg",
    "&": "schrijf 'en'",
    "\\": "laat de backslash weg",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

def check_text(doc: Document, path: tuple, text: str, limit: int = MAX_PART_CHARS,
               placeholders: frozenset[str] | None = None) -> list[Problem]:
    """Checks every spoken text: SSML-safe characters, length, and (for phrases) placeholders."""
    problems = []
    for char, advice in _UNSAFE.items():
        if char in text:
            at = text.index(char)
            problems.append(doc.problem(path, f"het teken '{char}' kan Alexa niet uitspreken ({advice}): ...{text[max(0, at - 20):at + 20]}..."))
    if _CONTROL.search(text):
        problems.append(doc.problem(path, "de tekst bevat een onzichtbaar stuurteken; typ de tekst opnieuw"))
    if len(text) > limit:
        problems.append(doc.problem(path, f"de tekst is {len(text)} tekens lang (ongeveer {round(len(text) / 13)} seconden); het maximum is {limit}. Verdeel hem over meer delen"))
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        problems.append(doc.problem(path, "een losse { of } in de tekst; gebruik accolades alleen om een invulplek als {onderwerp} te maken"))
        return problems
    allowed = placeholders or frozenset()
    for name in sorted(used - allowed):
        hint = f"; toegestaan: {', '.join('{' + a + '}' for a in sorted(allowed))}" if allowed else "; hier zijn geen invulplekken toegestaan"
        problems.append(doc.problem(path, f"onbekende invulplek {{{name}}}{hint}"))
    for name in sorted(allowed - used):
        problems.append(doc.problem(path, f"de invulplek {{{name}}} ontbreekt in de tekst"))
    return problems
