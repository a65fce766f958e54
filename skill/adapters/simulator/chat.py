"""`hamstring-skill chat`: talk to the skill in Dutch in the terminal, as an Echo would hear it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import IO, Iterable, Iterator

from skill.adapters.simulator.session import Simulator, Turn

SILENCE = "/stil"        # in a script or at the prompt: the listener says nothing
NEW_SESSION = "/nieuw"   # start a new session with a launch
INTERRUPT = "/na"        # "/na 30": the next line interrupts the last answer 30 seconds in
WAIT = "/wacht"          # "/wacht 600": ten minutes pass before the next line


def script_lines(handle: IO[str]) -> Iterator[str]:
    """Utterances of a script file: one per line, blank lines and # comments skipped."""
    for raw in handle:
        line = raw.split("#", 1)[0].strip()
        if line:
            yield line


def _show(turn: Turn | None, out: IO[str], as_json: bool, speak: bool) -> None:
    if turn is None:
        return
    if as_json:
        out.write(json.dumps(turn.summary(), ensure_ascii=False) + "\n")
        out.flush()
    else:
        if turn.request["request"]["type"] == "IntentRequest":
            out.write(f"  (begrepen als {turn.intent}{_slots(turn)})\n")
        if turn.speech:
            out.write("Alexa: " + turn.speech.replace("\n", "\n       ") + "\n")
        if turn.card:
            out.write(f"  [kaart in de Alexa-app: {turn.card['title']}]\n")
        if turn.reprompt:
            out.write(f"  (als je niets zegt: {turn.reprompt})\n")
        if turn.end_session or turn.request["request"]["type"] == "SessionEndedRequest":
            out.write("  — de sessie is afgesloten; wat je nu zegt, opent een nieuwe —\n")
        out.flush()
    if speak and turn.speech:
        say_aloud(turn.speech)


def _slots(turn: Turn) -> str:
    shown = []
    for name, slot in turn.summary()["request"]["slots"].items():
        if slot["value"] is not None:
            shown.append(f"{name}={slot['value']}" + (f" → {slot['id']}" if slot["id"] else ""))
    return (", " + ", ".join(shown)) if shown else ""


def say_aloud(text: str) -> None:
    espeak = shutil.which("espeak-ng")
    if espeak:
        subprocess.run([espeak, "-v", "nl", text.replace("[", "").replace("]", "")], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_chat(simulator: Simulator, lines: Iterable[str] | None, out: IO[str] = sys.stdout,
             as_json: bool = False, speak: bool = False) -> int:
    if speak and not shutil.which("espeak-ng"):
        print("Let op: espeak-ng is niet geïnstalleerd (apt-get install espeak-ng); ik laat alleen tekst zien.",
              file=sys.stderr)
        speak = False
    interactive = lines is None
    if interactive and not as_json:
        out.write("Hamstring Hulp, offline. Typ wat je tegen Alexa zegt. "
                  f"Een lege regel of {SILENCE} is stilte, {NEW_SESSION} opent opnieuw, "
                  f"'{INTERRUPT} 30' onderbreekt het laatste antwoord na 30 seconden, "
                  f"'{WAIT} 600' laat tien minuten verstrijken, Ctrl-D stopt.\n")
    _show(simulator.launch(), out, as_json, speak)
    source = _prompt(show=not as_json) if interactive else iter(lines)
    for line in source:
        line = line.strip()
        if line in ("", SILENCE):
            _show(simulator.silence(line), out, as_json, speak)
        elif line == NEW_SESSION:
            _show(simulator.launch(), out, as_json, speak)
        elif line.split()[0] in (INTERRUPT, WAIT) and len(line.split()) == 2 and _number(line.split()[1]) is not None:
            seconds = _number(line.split()[1])
            simulator.interrupt_after(seconds) if line.startswith(INTERRUPT) else simulator.wait(seconds)
        else:
            _show(simulator.say(line), out, as_json, speak)
    return 0


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _prompt(show: bool) -> Iterator[str]:
    """Lines typed by the listener. In --json mode stdout carries only JSON, so no prompt."""
    while True:
        try:
            yield input("Jij: " if show else "")
        except EOFError:
            print()
            return
        except KeyboardInterrupt:
            print()
            return


def make_simulator() -> Simulator:
    from skill.adapters.simulator.session import SIMULATOR_SKILL_ID, SIMULATOR_USER_ID
    from skill.adapters.snapshot import production_content
    from skill.adapters.storage import adapter_from_environment
    from skill.voice.app import get_skill
    return Simulator(get_skill(adapter_from_environment, production_content), skill_id=os.environ.get("ALEXA_SKILL_ID") or SIMULATOR_SKILL_ID,
                     user_id=SIMULATOR_USER_ID)
