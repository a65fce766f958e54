"""The privacy statement and the terms of use (content/privacy.yaml, content/voorwaarden.yaml) as
web pages: the web service serves them at /privacy and /voorwaarden, and the skill package points
there unless other addresses are configured (skill.adapters.ask_package).

{praktijk} and {contact} in the texts come from PRACTICE_NAME and PRACTICE_CONTACT.
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any, Mapping

from skill import paths
from skill.core.validation import ContentError, check_schema, load_document

DOCUMENTS = {"privacy": "privacy.yaml", "voorwaarden": "voorwaarden.yaml"}
FIELDS = ("praktijk", "contact")
_UNSET = {"praktijk": "De praktijk die Hamstring Hulp aanbiedt", "contact": "de gegevens van die praktijk"}


def load(name: str, content_dir: Path | None = None) -> dict[str, Any]:
    """The document, checked: from the compiled snapshot when it is fresh (skill.adapters.snapshot)."""
    if content_dir is None:
        from skill.adapters.snapshot import compiled_document
        compiled = compiled_document(name)
        if compiled is not None:
            return compiled
    path = Path(content_dir or paths.content_dir()) / DOCUMENTS[name]
    doc, problems = load_document(path, shown_as=f"content/{DOCUMENTS[name]}")
    if doc is not None:
        problems += check_schema(doc, "document")
        for key in ("inleiding", "titel"):
            problems += _placeholder_problems(doc, (key,), doc.data.get(key, ""))
        for i, part in enumerate(doc.data.get("delen") or []):
            if isinstance(part, dict):
                problems += _placeholder_problems(doc, ("delen", i, "tekst"), part.get("tekst", ""))
    if problems:
        raise ContentError(problems)
    return doc.data


def _placeholder_problems(doc, at: tuple, text: str):
    unknown = sorted(set(re.findall(r"\{(\w*)\}", str(text))) - set(FIELDS))
    return [doc.problem(at, f"onbekend invulveld {{{name}}}; gebruik {{praktijk}} of {{contact}}") for name in unknown]


def practice(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    environ = os.environ if environ is None else environ
    return {"praktijk": (environ.get("PRACTICE_NAME") or "").strip(),
            "contact": (environ.get("PRACTICE_CONTACT") or "").strip()}


def render_html(name: str, fields: Mapping[str, str] | None = None, content_dir: Path | None = None) -> str:
    """The document as a plain, self-contained HTML page (no scripts, no external resources)."""
    data = load(name, content_dir)
    values = {key: (value or _UNSET[key]) for key, value in (fields or practice()).items()}

    def text(value: str) -> str:
        return html.escape(" ".join(str(value).split()).format(**values))

    def paragraphs(value: str) -> str:
        return "\n".join(f"<p>{text(p)}</p>" for p in re.split(r"\n\s*\n", str(value)) if p.strip())

    body = [f"<h1>{text(data['titel'])}</h1>", f"<p><em>Bijgewerkt: {text(data['bijgewerkt'])}</em></p>",
            paragraphs(data["inleiding"])]
    for part in data["delen"]:
        body += [f"<h2>{text(part['kop'])}</h2>", paragraphs(part["tekst"])]
    return ("<!doctype html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{text(data['titel'])}</title>\n"
            "<style>body{font-family:sans-serif;max-width:42em;margin:2em auto;padding:0 1em;line-height:1.5}</style>\n"
            "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")
