"""One cold start, as Lambda has it: a fresh interpreter imports the handler and answers one event.

    python bench/cold_start.py project|minimal EVENT_FILE

`make bench` (bench/run.py) starts this in a new process, times it from start to exit and reads
its peak memory (VmHWM); the store comes from the environment (HAMSTRING_STORE / MINIMAL_STORE). Prints
the first words of the answer, so the bench can see the request was answered.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

which, event_file = sys.argv[1], sys.argv[2]
event = json.loads(Path(event_file).read_text(encoding="utf-8"))
if which == "project":
    from skill.lambda_function import handler
else:
    from bench.minimal_skill import handler
response = handler(event, None)
# Peak memory of this process since its exec (ru_maxrss would include the parent's, kept across exec).
peak_kib = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"speech": response["response"]["outputSpeech"]["ssml"][:80], "peak_kib": peak_kib,
                  "modules": sorted(name for name in sys.modules if name.split(".")[0] in ("jsonschema", "yaml", "num2words"))}))
