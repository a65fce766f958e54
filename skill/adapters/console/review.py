"""Content review for the console: topics, the triage protocol and the routines, read from
`content/` at request time, so an editor sees a saved change on reload.

The quick part (loading and validating content, with file and line per problem) runs in the
request. The slow part (`hamstring-skill check` as a whole, and every vignette played through the
simulator) runs in a child process, started again whenever a file changes; the pages ask for its
result with /console/api/check.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from skill.core.timing import speaking_seconds
from skill.core.validation import ContentError

URGENCY_NL = {
    "emergency": "nu 112 bellen",
    "doctor_today": "vandaag huisarts",
    "doctor_soon": "binnen enkele dagen arts",
    "physio": "deze week fysiotherapeut",
    "self_care": "zelfzorg",
}
CHECK_TIMEOUT_SECONDS = 300


def problem_view(problem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "key": problem.key, "message": problem.message,
            "where": problem.file + (f", regel {problem.line}" if problem.line else "")}


_loaded: dict[str, tuple] = {}
_loaded_lock = threading.Lock()


def load(content_dir: Path):
    """(content or None, problems): the content as the skill would load it now. Loaded again only
    when a file in the folder changed since the last request."""
    from skill.core.content import load_content
    stamp = fingerprint(content_dir)
    with _loaded_lock:
        cached = _loaded.get(str(content_dir))
        if cached and cached[0] == stamp:
            return cached[1], cached[2]
        try:
            result = (load_content(content_dir), [])
        except ContentError as error:
            result = (None, [problem_view(p) for p in error.problems])
        _loaded[str(content_dir)] = (stamp,) + result
        return result


def spoken(text: str) -> dict[str, Any]:
    return {"text": text, "seconds": round(speaking_seconds(text), 1)}


def topics_view(content) -> list[dict[str, Any]]:
    out = []
    for topic in content.topics.values():
        parts = [dict(spoken(text), label="kort antwoord" if i == 0 else f"deel {i + 1}")
                 for i, text in enumerate(topic.parts)]
        offers = [label for label, on in (
            (f"oefensessie {topic.offer_routine}", topic.offer_routine),
            ("de sporttest", topic.offer_check), ("de klachtencheck", topic.offer_triage)) if on]
        out.append({"id": topic.id, "title": topic.title, "intent": topic.intent, "parts": parts,
                    "seconds": round(sum(p["seconds"] for p in parts), 1),
                    "related": [content.topics[r].title for r in topic.related if r in content.topics],
                    "offers": offers})
    return out


def triage_view(content, vignette_dir: Path) -> dict[str, Any]:
    from skill.adapters.simulator import vignettes
    from skill.adapters.triage_graph import mermaid
    protocol = content.triage
    sets = []
    for kind, label in (("team", "vignetten van het team"), ("blind", "blinde vignetten")):
        try:
            items = vignettes.load(kind, vignette_dir)
        except (OSError, KeyError):
            continue
        rows = []
        for v in items:
            expect = v.get("expect") or {}
            rows.append({"name": v.get("name"), "red_flag": v.get("red_flag"), "expect": expect.get("urgency"),
                         "expect_label": URGENCY_NL.get(expect.get("urgency"), expect.get("urgency")),
                         "grade": expect.get("grade"),
                         "answers": [{"question": q, "answer": str(a)} for q, a in (v.get("answers") or {}).items()]})
        sets.append({"kind": kind, "label": label, "vignettes": rows})
    questions = [{"id": q.id, "ask": q.ask, "seconds": round(speaking_seconds(q.ask), 1)} for q in protocol.questions]
    return {"mermaid": mermaid(protocol), "sets": sets, "questions": questions}


def routines_view(content) -> list[dict[str, Any]]:
    """Every routine as the coach times it: per block the cues said and the pauses, with clock times."""
    from skill.core.coach import script_seconds
    coach = content.coach
    out = []
    for routine in coach.routines.values():
        blocks, total = [], 0.0
        for number, block in enumerate(routine.blocks, 1):
            at = 0.0
            cues: list[dict[str, Any]] = []

            def add(kind: str, value: Any, exercise: str | None = None) -> None:
                nonlocal at
                seconds = speaking_seconds(value) if kind == "say" else float(value)
                cues.append({"kind": kind, "text": value if kind == "say" else None, "seconds": round(seconds, 1),
                             "at": round(at, 1), "exercise": exercise})
                at += seconds

            add("say", coach.cue("block_start", nummer=number, titel=block.title))
            for exercise in block.exercises:
                for kind, value in coach.exercise_script(exercise):
                    add(kind, value, exercise.id)
            exercise_seconds = sum(script_seconds(coach.exercise_script(e)) for e in block.exercises)
            total += exercise_seconds
            blocks.append({"number": number, "title": block.title, "cues": cues, "seconds": round(at, 1),
                           "exercises": [e.normal.name for e in block.exercises]})
        out.append({"id": routine.id, "kind": routine.kind, "title": routine.title, "phase": routine.phase,
                    "intro": spoken(routine.intro), "pain_rule": spoken(coach.pain_rule_for(routine)),
                    "outro": spoken(routine.outro), "blocks": blocks, "minutes": round(total / 60, 1),
                    "minutes_range": list(routine.minutes)})
    return out


def fingerprint(*places: Path) -> tuple:
    """Changes whenever a file in these folders (or these files) is saved."""
    stamp = []
    for place in places:
        files = sorted(place.rglob("*")) if place.is_dir() else [place]
        for path in files:
            try:
                info = path.stat()
            except OSError:
                continue
            stamp.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(stamp)


class CheckRunner:
    """The slow checks in a child process, rerun when the content, the model or the vignettes change."""

    def __init__(self, content_dir, model_path, vignette_dir):
        self._places = (content_dir, model_path, vignette_dir)    # callables: read at every request
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._result: dict[str, Any] = {"state": "idle"}
        self._process: subprocess.Popen | None = None

    def status(self) -> dict[str, Any]:
        content_dir, model_path, vignette_dir = (Path(f()) for f in self._places)
        stamp = fingerprint(content_dir, model_path, vignette_dir)
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                self._start(content_dir, model_path, vignette_dir, stamp)
            return dict(self._result)

    def _start(self, content_dir: Path, model_path: Path, vignette_dir: Path, stamp: tuple) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        self._result = {"state": "running", "started": time.time()}
        command = [sys.executable, "-m", "skill.adapters.console.checkjob", "--content", str(content_dir),
                   "--model", str(model_path), "--vignettes", str(vignette_dir)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._process = process
        threading.Thread(target=self._collect, args=(process, stamp), daemon=True).start()

    def _collect(self, process: subprocess.Popen, stamp: tuple) -> None:
        try:
            out, err = process.communicate(timeout=CHECK_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = "", "de controle duurde te lang"
        with self._lock:
            if stamp != self._stamp:         # a newer run took over
                return
            if process.returncode == 0:
                try:
                    self._result = {"state": "done", **json.loads(out)}
                    return
                except ValueError:
                    pass
            lines = [line for line in (err or "").strip().splitlines() if line.strip()]
            self._result = {"state": "failed", "message": lines[-1] if lines else f"exit {process.returncode}"}

    def stop(self) -> None:
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
