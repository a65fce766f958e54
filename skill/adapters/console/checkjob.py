"""`python -m skill.adapters.console.checkjob --content DIR --model FILE`: the console's slow checks as JSON.

Everything `hamstring-skill check` finds (the interaction model's conflict search alone takes some
seconds), and every patient vignette played through the simulator with the outcome it reaches.
The console runs this in a child process, so the web pages stay quick while it works.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _vignettes(content_dir: Path, model_path: Path, vignette_dir: Path) -> list[dict]:
    from skill.adapters.simulator import vignettes
    from skill.adapters.simulator.nlu import Nlu, load_builtins, load_model
    from skill.core.content import load_content
    from skill.voice.app import build_skill

    content = load_content(content_dir)
    skill = build_skill(content)
    nlu = Nlu(load_model(model_path), load_builtins())
    out = []
    for kind in vignettes.FILES:
        try:
            items = vignettes.load(kind, vignette_dir)
        except FileNotFoundError:
            continue
        for vignette in items:
            expect = vignette.get("expect") or {}
            row = {"set": kind, "name": vignette.get("name"), "expect": expect.get("urgency"),
                   "expect_grade": expect.get("grade")}
            try:
                played = vignettes.play(skill, nlu, content.triage, vignette)
                row.update(got=played.triage.get("urgency"), grade=played.triage.get("grade"),
                           asked=played.asked, decided_by=played.decided_by, error=None)
            except AssertionError as error:
                row.update(got=None, grade=None, asked=[], decided_by=None, error=str(error))
            row["ok"] = row["got"] == row["expect"]
            out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--content", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--vignettes", required=True)
    args = parser.parse_args(argv)
    from skill.adapters.simulator.modelcheck import run_checks
    from skill.core.validation import ContentError

    findings = [{"where": f.where, "message": f.message}
                for f in run_checks(Path(args.content), Path(args.model))]
    try:
        played = _vignettes(Path(args.content), Path(args.model), Path(args.vignettes))
    except (ContentError, OSError, ValueError):
        played = []            # the findings above already say why the content cannot be used
    json.dump({"findings": findings, "vignettes": played}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
