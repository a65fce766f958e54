"""`hamstring-skill`: the command line for developers and content editors.

  chat           talk to the skill in the terminal (offline simulator)
  check          validate content/ and interaction_model/ together (for editors)
  nlu-eval FILE  measure the offline NLU on an annotated set of utterances
  package OUT    write the ASK CLI skill package (skill.json, icons and the interaction model)
  lambda-zip OUT build the code zip for AWS Lambda (Python 3.11, arm64)
  snapshot       compile content/ into the snapshot the web service, Lambda and chat start from
  documents OUT  write the privacy statement and the terms as HTML pages (for a practice website)
  triage-graph OUT  draw the triage protocol for review by a physiotherapist
  clinical-basis OUT  the triage's rules with their clinical reason, source and vignettes
  tasks-eval FILE  play whole conversations with a goal each and report how many reach it
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path


def _chat(args: argparse.Namespace) -> int:
    from skill.adapters.simulator.chat import make_simulator, run_chat, script_lines
    if args.script:
        with open(args.script, encoding="utf-8") as handle:
            lines = list(script_lines(handle))
    else:
        lines = None
    return run_chat(make_simulator(), lines, as_json=args.json, speak=args.speak)


def _check(args: argparse.Namespace) -> int:
    from skill.adapters.simulator.modelcheck import run_check
    return run_check(Path(args.content) if args.content else None, Path(args.model) if args.model else None)


def _nlu_eval(args: argparse.Namespace) -> int:
    from skill.adapters.simulator.evaluate import run_evaluation
    return run_evaluation(Path(args.file), min_accuracy=args.min_accuracy)


def _package(args: argparse.Namespace) -> int:
    from skill.adapters.ask_package import PackageError, write_package
    try:
        written = write_package(Path(args.out_dir), local=args.local)
    except PackageError as error:
        print(error, file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def _documents(args: argparse.Namespace) -> int:
    from skill.adapters import documents
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fields = documents.practice()
    missing = [name for name, key in (("PRACTICE_NAME", "praktijk"), ("PRACTICE_CONTACT", "contact")) if not fields[key]]
    if missing and not args.local:
        print(f"{' en '.join(missing)} ontbreekt: de pagina's moeten zeggen wie de skill aanbiedt en hoe je die bereikt.",
              file=sys.stderr)
        return 2
    for name in documents.DOCUMENTS:
        path = out / f"{name}.html"
        path.write_text(documents.render_html(name, fields), encoding="utf-8")
        print(path)
    return 0


def _lambda_zip(args: argparse.Namespace) -> int:
    from skill.adapters.lambda_zip import LAMBDA_PLATFORM, build
    print(build(Path(args.out), platform=args.platform or LAMBDA_PLATFORM,
                work_dir=Path(args.tree) if args.tree else None))
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    from skill.adapters.snapshot import read_snapshot, write_snapshot
    if args.if_stale and read_snapshot() is not None:
        return 0
    print(write_snapshot(Path(args.out) if args.out else None))
    return 0


def _triage_graph(args: argparse.Namespace) -> int:
    from skill.adapters.triage_graph import mermaid, update_readme, write_graph
    from skill.core.content import load_content
    print(write_graph(Path(args.out)))
    if args.readme:
        changed = update_readme(Path(args.readme), mermaid(load_content().triage))
        print(f"{args.readme}: {'bijgewerkt' if changed else 'was al actueel'}")
    return 0


def _clinical_basis(args: argparse.Namespace) -> int:
    from skill.adapters.clinical_basis import write
    print(write(Path(args.out)))
    return 0


def _tasks_eval(args: argparse.Namespace) -> int:
    from skill.adapters.simulator.tasks import run_tasks
    return run_tasks(Path(args.file), min_success=args.min_success, show_misses=not args.quiet)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hamstring-skill", description="Hamstring Hulp, de Alexa-skill")
    commands = parser.add_subparsers(dest="command", required=True)

    chat = commands.add_parser("chat", help="praat met de skill in de terminal")
    chat.add_argument("--script", help="bestand met één uitspraak per regel (# is commentaar)")
    chat.add_argument("--json", action="store_true", help="één JSON-object per beurt")
    chat.add_argument("--speak", action="store_true", help="lees de antwoorden voor met espeak-ng")
    chat.set_defaults(run=_chat)

    check = commands.add_parser("check", help="controleer inhoud en interactiemodel")
    check.add_argument("--content", help="map met de inhoud (standaard: content/)")
    check.add_argument("--model", help="interactiemodel (standaard: interaction_model/nl-NL.json)")
    check.set_defaults(run=_check)

    nlu_eval = commands.add_parser("nlu-eval", help="meet hoe goed de offline NLU uitspraken begrijpt")
    nlu_eval.add_argument("file", help="YAML- of TSV-bestand met uitspraak, intent en slots")
    nlu_eval.add_argument("--min-accuracy", type=float, default=None,
                          help="stop met een fout als de intent-nauwkeurigheid lager is (0-1)")
    nlu_eval.set_defaults(run=_nlu_eval)

    package = commands.add_parser("package", help="schrijf het ASK CLI-skillpakket")
    package.add_argument("out_dir")
    package.add_argument("--local", action="store_true",
                         help="om lokaal te bekijken: zonder endpoint en met voorbeeld-URL's (niet te publiceren)")
    package.set_defaults(run=_package)

    docs = commands.add_parser("documents", help="schrijf privacyverklaring en voorwaarden als HTML")
    docs.add_argument("out_dir")
    docs.add_argument("--local", action="store_true", help="ook zonder PRACTICE_NAME en PRACTICE_CONTACT")
    docs.set_defaults(run=_documents)

    lambda_zip = commands.add_parser("lambda-zip", help="bouw de zip voor AWS Lambda (Python 3.11, arm64)")
    lambda_zip.add_argument("out", help="het zipbestand")
    lambda_zip.add_argument("--tree", help="map voor de uitgepakte inhoud (standaard: naast de zip)")
    lambda_zip.add_argument("--platform", help="wheel-platform (standaard manylinux2014_aarch64)")
    lambda_zip.set_defaults(run=_lambda_zip)

    snapshot = commands.add_parser("snapshot", help="compileer de inhoud voor een snelle start (build/content.pickle)")
    snapshot.add_argument("--out", help="uitvoerbestand (standaard: build/content.pickle)")
    snapshot.add_argument("--if-stale", action="store_true", help="alleen als de inhoud of de code veranderd is")
    snapshot.set_defaults(run=_snapshot)

    graph = commands.add_parser("triage-graph", help="teken het triageprotocol (Mermaid)")
    graph.add_argument("out", help="uitvoerbestand (.md of .mmd)")
    graph.add_argument("--readme", help="werk ook het diagram in deze README bij")
    graph.set_defaults(run=_triage_graph)

    basis = commands.add_parser("clinical-basis", help="schrijf de klinische onderbouwing van de triage")
    basis.add_argument("out", help="uitvoerbestand (Markdown)")
    basis.set_defaults(run=_clinical_basis)

    tasks = commands.add_parser("tasks-eval", help="speel gesprekken met een doel en tel hoeveel het doel halen")
    tasks.add_argument("file", help="YAML-bestand met conversations: [{name, launch, turns, goal}]")
    tasks.add_argument("--min-success", type=float, default=None, help="stop met een fout onder dit aandeel (0-1)")
    tasks.add_argument("--quiet", action="store_true", help="alleen de cijfers, niet de gemiste gesprekken")
    tasks.set_defaults(run=_tasks_eval)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from skill.core.validation import ContentError
    try:
        return args.run(args)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
