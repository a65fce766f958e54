"""Speed and size figures for Hamstring Hulp (`make bench`). Prints, never asserts.

Targets they are read against (Alexa platform facts, shared/reference/alexa-facts.md):
  - a response within about 8 s of the request: the skill itself should answer in well under 100 ms;
  - a response envelope, session attributes included, under 24 KB (the older limit; now 120 KB);
  - a cold start (content loaded and validated, every triage path walked) of a second or two on Lambda;
  - one coach response at most 240 s of speech and pauses.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skill.adapters.simulator.nlu import default_nlu  # noqa: E402
from skill.adapters.simulator.session import Simulator  # noqa: E402
from skill.core.content import load_content  # noqa: E402
from skill.voice.app import build_skill  # noqa: E402
from skill.voice.speech import estimate_seconds  # noqa: E402

CONVERSATION = [
    "moet ik ijs of warmte gebruiken", "ja", "ja", "nee", "check mijn klachten", "nee", "nee",
    "plotseling tijdens het sprinten", "ik loop mank", "nee", "nee", "stop",
    "start de warming-up", "verder", "herhaal", "makkelijker", "hoe lang nog", "verder", "verder",
    "doe mijn revalidatie oefeningen fase twee", "verder", "verder", "doe de sporttest", "ja", "ja", "nee",
]


def timed(function, *args, repeat: int = 1):
    start = time.perf_counter()
    for _ in range(repeat):
        result = function(*args)
    return result, (time.perf_counter() - start) / repeat


def main() -> None:
    import tempfile

    from skill.adapters.storage import SqlitePersistenceAdapter

    content, load_s = timed(load_content)
    store = SqlitePersistenceAdapter(Path(tempfile.mkdtemp(prefix="hamstring-bench-")) / "store.sqlite")
    skill, build_s = timed(lambda c: build_skill(c, persistence_adapter=store), content)
    nlu, nlu_build_s = timed(default_nlu)
    print(f"content load + validation (all triage paths walked): {load_s * 1000:7.1f} ms")
    print(f"skill build:                                         {build_s * 1000:7.1f} ms")
    print(f"offline NLU build from the interaction model:        {nlu_build_s * 1000:7.1f} ms")

    sim = Simulator(skill, nlu)
    sim.launch()
    invoke_ms, understand_ms, sizes, audio = [], [], [], []
    for utterance in CONVERSATION * 5:
        _, seconds = timed(nlu.understand, utterance)
        understand_ms.append(seconds * 1000)
        start = time.perf_counter()
        turn = sim.say(utterance)
        invoke_ms.append((time.perf_counter() - start) * 1000 - understand_ms[-1])
        sizes.append(len(json.dumps(turn.response).encode("utf-8")))
        if turn.ssml:
            audio.append(estimate_seconds(turn.ssml))

    def pct(values, p):
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    print(f"requests measured:                                   {len(invoke_ms):7d}")
    print(f"skill.invoke per request, median / p95 / max:       {statistics.median(invoke_ms):7.1f} / "
          f"{pct(invoke_ms, 95):.1f} / {max(invoke_ms):.1f} ms")
    print(f"NLU per utterance, median / p95:                     {statistics.median(understand_ms):7.1f} / "
          f"{pct(understand_ms, 95):.1f} ms")
    print(f"response envelope size, median / max:                {statistics.median(sizes) / 1024:7.1f} / "
          f"{max(sizes) / 1024:.1f} KB (limit 24 KB older, 120 KB now)")
    print(f"spoken length per response, median / max:           {statistics.median(audio):7.1f} / {max(audio):.1f} s (limit 240 s)")

    zip_path = ROOT / "build" / "hamstring-hulp-lambda.zip"
    if zip_path.exists():
        print(f"Lambda zip (make lambda-zip):                        {zip_path.stat().st_size / 1024 / 1024:7.1f} MB (limit 50 MB zipped)")
    else:
        print("Lambda zip:                                          not built (make lambda-zip)")


if __name__ == "__main__":
    main()
