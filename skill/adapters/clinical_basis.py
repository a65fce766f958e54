"""`hamstring-skill clinical-basis OUT`: the triage's clinical basis, for the reviewing physiotherapist.

Generated, never written by hand, so it cannot drift from the protocol: every rule of
content/triage.yaml with its conditions, urgency, red flag, clinical reason and source (the rule's
`basis`), and the vignettes that the rule decides when they are played through the simulator.
A test regenerates the file and compares.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from skill.adapters.simulator import vignettes
from skill.adapters.simulator.nlu import default_nlu
from skill.core.content import Content, load_content
from skill.core.triage import Protocol, show_answer

URGENCY_NL = {
    "emergency": "nu 112 / spoedeisende hulp",
    "doctor_today": "vandaag huisarts",
    "doctor_soon": "binnen een paar dagen huisarts of sportarts",
    "physio": "deze week fysiotherapeut",
    "self_care": "zelfzorg",
}


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "/")


def _conditions(protocol: Protocol, rule) -> str:
    parts = [f"{c.question} = {c.describe(protocol.question(c.question))}" for c in rule.when]
    return " en ".join(parts) or "altijd (als geen andere regel geldt)"


def _asked_when(protocol: Protocol, question) -> str:
    if not question.ask_if:
        return "altijd, als het antwoord het advies nog kan veranderen"
    alternatives = [" en ".join(f"{c.question} = {c.describe(protocol.question(c.question))}" for c in alt)
                    for alt in question.ask_if]
    return "alleen als " + ", of als ".join(alternatives)


def render(content: Content, played: dict[str, list["Case"]]) -> str:
    protocol = content.triage
    lines = [
        "# Klinische onderbouwing van de triage",
        "",
        "Dit bestand wordt gemaakt met `make clinical-basis` uit `content/triage.yaml` en de vignetten in",
        "`tests/triage/`. Pas het niet met de hand aan: een test maakt het opnieuw en vergelijkt.",
        "",
        "De skill geeft informatie, geen diagnose. Per regel staat hieronder waarom die bestaat, waar dat",
        "vandaan komt, en welke vignetten (patiëntbeschrijvingen, door de simulator gespeeld) die regel",
        "laten beslissen. Vignetten met (blind) zijn geschreven door iemand die het protocol niet had gezien.",
        "",
        "## Hoe de skill beslist",
        "",
        "- De regels staan van belangrijk naar minder belangrijk; de uitkomst is de meest dringende regel die klopt.",
        "- \"Weet ik niet\" sluit een regel nooit uit: de regel telt dan als mogelijk (de voorzichtige kant).",
        f"- Nooit meer dan {protocol.max_questions} vragen. Staat er na de laatste vraag nog een regel open die",
        "  het advies dringender kan maken, dan telt die alsof het antwoord \"weet ik niet\" was.",
        "- Noemt iemand zelf een noodsignaal (\"ik krijg geen lucht\"), dan zegt de skill meteen 112 of de",
        "  spoedeisende hulp, waarom, en stopt het gesprek. Dat kan op elk moment.",
        "",
        "## Regels",
        "",
        "| # | regel | voorwaarden | advies | alarmsignaal | waarom | bron | vignetten |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, rule in enumerate(protocol.rules, 1):
        cases = played.get(rule.id, [])
        names = "; ".join(f"{c.name}{' (blind)' if c.kind == 'blind' else ''}" for c in cases) or "geen"
        why = rule.basis.why if rule.basis else "-"
        source = rule.basis.source if rule.basis else "-"
        lines.append(f"| {number} | {rule.id} | {_cell(_conditions(protocol, rule))} | {URGENCY_NL[rule.urgency]} | "
                     f"{rule.red_flag or '-'} | {_cell(why)} | {_cell(source)} | {len(cases)}: {_cell(names)} |")
    lines += ["", "## Vragen", "", "| vraag | wat de skill vraagt | wanneer |", "|---|---|---|"]
    for question in protocol.questions:
        lines.append(f"| {question.id} | {_cell(question.ask)} | {_cell(_asked_when(protocol, question))} |")
    lines += ["", "## Noodsignalen die iemand zelf noemt", "", "| signaal | wat de skill zegt | waarom |", "|---|---|---|"]
    for sign in protocol.emergency_signs.values():
        cases = played.get(f"sign:{sign.id}", [])
        lines.append(f"| {sign.id} | {_cell(sign.advice or protocol.advice['emergency'])} | {_cell(sign.why)}"
                     f"{' (' + str(len(cases)) + (' vignet)' if len(cases) == 1 else ' vignetten)') if cases else ''} |")
    lines += ["", "## Klachten die iemand vooraf vertelt", "",
              "Deze antwoorden vult de skill alvast in; de vraag wordt dan niet meer gesteld.", "",
              "| klacht | ingevulde antwoorden |", "|---|---|"]
    for sign, answers in protocol.volunteered.items():
        shown = ", ".join(f"{q} = {show_answer(v)}" for q, v in answers.items())
        lines.append(f"| {sign} | {shown} |")
    counts = [c.questions for cases in played.values() for c in cases]
    blind = sum(1 for cases in played.values() for c in cases if c.kind == "blind")
    total = len(counts)
    lines += ["", "## Cijfers", "",
              f"- Vignetten: {total}, waarvan {blind} blind geschreven.",
              f"- Aantal vragen per vignet: mediaan {statistics.median(counts):g}, hoogstens {max(counts)}.",
              ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class Case:
    kind: str          # "team" or "blind"
    name: str
    questions: int     # how many questions its path took


def play_all(content: Content) -> dict[str, list[Case]]:
    """Every vignette through the simulator, grouped by the rule (or named sign) that decided it."""
    from skill.voice.app import build_skill
    skill, nlu = build_skill(content), default_nlu()
    played: dict[str, list[Case]] = {}
    for kind in vignettes.FILES:
        for vignette in vignettes.load(kind):
            result = vignettes.play(skill, nlu, content.triage, vignette)
            played.setdefault(result.decided_by, []).append(Case(kind, vignette["name"], len(result.asked)))
    return played


def write(out: Path, content: Content | None = None) -> Path:
    content = content or load_content()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(content, play_all(content)), encoding="utf-8")
    return out
