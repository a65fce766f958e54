"""`hamstring-skill triage-graph OUT`: the triage protocol as a Mermaid diagram for reviewers.

Drawn from content/triage.yaml alone: the questions in the order they can be asked (dashed
arrows show "only asked if ..."), then every rule from most to least important, with its
conditions, the urgency it gives and the outcome it speaks. GitHub and most Markdown viewers
render Mermaid; a `.md` file gets a heading and a fenced block, any other name the bare diagram.
"""
from __future__ import annotations

from pathlib import Path

from skill.core.content import load_content
from skill.core.triage import Protocol

URGENCY_LABELS = {
    "emergency": "112 bellen",
    "doctor_today": "vandaag huisarts",
    "doctor_soon": "binnen enkele dagen arts",
    "physio": "deze week fysio",
    "self_care": "zelfzorg",
}
URGENCY_STYLE = {
    "emergency": "fill:#d62728,color:#fff",
    "doctor_today": "fill:#ff7f0e,color:#000",
    "doctor_soon": "fill:#ffbb78,color:#000",
    "physio": "fill:#aec7e8,color:#000",
    "self_care": "fill:#98df8a,color:#000",
}


def _text(value: str) -> str:
    """Mermaid labels in double quotes: no double quotes or brackets inside."""
    return value.replace('"', "'").replace("[", "(").replace("]", ")")


def mermaid(protocol: Protocol) -> str:
    lines = ["flowchart TD"]
    lines.append('  start(["Start: ik heb pijn aan m\'n hamstring"])')
    previous = "start"
    for question in protocol.questions:
        lines.append(f'  q_{question.id}["{_text(question.ask)}"]')
        lines.append(f"  {previous} --> q_{question.id}")
        previous = f"q_{question.id}"
    for question in protocol.questions:
        for alternative in question.ask_if:       # a dashed arrow from each question the alternative names
            if len(alternative) == 1 and len(question.ask_if) == 1:
                label = "alleen als " + alternative[0].describe(protocol.question(alternative[0].question))
            else:
                label = ("alleen als " if len(question.ask_if) == 1 else "ook als ") + " en ".join(
                    f"{c.question} = {c.describe(protocol.question(c.question))}" for c in alternative)
            for condition in alternative:
                lines.append(f'  q_{condition.question} -. "{_text(label)}" .-> q_{question.id}')
    lines.append(f'  {previous} --> rules{{"Regels, van belangrijk naar minder belangrijk"}}')
    for number, rule in enumerate(protocol.rules, 1):
        parts = [f"{condition.question} = {condition.describe(protocol.question(condition.question))}"
                 for condition in rule.when] or ["altijd"]
        unsure = f" (bij twijfel: {URGENCY_LABELS[rule.if_unsure]})" if rule.if_unsure else ""
        flag = f" - alarmsignaal {rule.red_flag}" if rule.red_flag else ""
        grade = f" - graad {rule.grade}" if rule.grade else ""
        lines.append(f'  r_{rule.id}["{number}. {_text(" en ".join(parts))}{flag}"]')
        lines.append(f"  rules --> r_{rule.id}")
        lines.append(f'  r_{rule.id} --> o_{rule.id}(["{URGENCY_LABELS[rule.urgency]}{unsure}{grade}: {rule.outcome}"])')
        lines.append(f"  style o_{rule.id} {URGENCY_STYLE[rule.urgency]}")
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, diagram: str) -> bool:
    """Replaces the first Mermaid block in the README with the current diagram. True if it changed."""
    import re

    text = readme.read_text(encoding="utf-8")
    new = re.sub(r"```mermaid\n.*?```", lambda _: f"```mermaid\n{diagram}```", text, count=1, flags=re.S)
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def write_graph(out: Path) -> Path:
    protocol = load_content().triage
    diagram = mermaid(protocol)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".md":
        text = ("# Het triageprotocol van Hamstring Hulp\n\n"
                "Gemaakt met `make triage-graph` uit `content/triage.yaml`. De skill stelt de vragen van boven\n"
                "naar beneden, maar alleen een vraag die het advies nog kan veranderen; gestippelde pijlen\n"
                "betekenen: deze vraag komt alleen als het antwoord op de eerdere vraag klopt. De uitkomst is de\n"
                "meest dringende regel die klopt. \"Weet ik niet\" sluit een regel nooit uit.\n\n"
                f"```mermaid\n{diagram}```\n")
    else:
        text = diagram
    out.write_text(text, encoding="utf-8")
    return out
