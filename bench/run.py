"""`make bench`: Hamstring Hulp measured side by side against a minimal skill on the same ASK SDK.

Prints, never asserts. Three parts, each as ratios to bench/minimal_skill.py measured in the same
run, so that a busy or slow machine moves both sides alike:

  1. per request kind (launch, topic, triage answer, coach "verder" with SQLite, session end):
     p50 and p99 of the Lambda path (event dict in, response dict out) in one process, the skills
     taking turns request by request; for reading, also the p50 ratio to the minimal skill on the
     project's serializer (FastSerializer), which shows what is left once both read and write the
     same way;
  2. cold start: a fresh process imports the Lambda handler and answers one LaunchRequest; wall
     time from start to exit and peak memory (VmHWM), with SQLite and with DynamoDB (a moto
     server on loopback). Bytecode is compiled first, as the Lambda zip ships it;
  3. the web service on gunicorn, configured as `make run` (gunicorn.conf.py: 2 workers of 4 threads):
     requests per second for signed POSTs, verified against a locally generated CA, against /health
     on the same server.

Targets (issue 11): p50 per turn at most 1.3x (coach "verder" 1.5x), cold start at most 1.5x in
time and in memory, signed POSTs at least 0.5x the rate of /health.

    python bench/run.py [--requests 2000] [--cold-runs 7] [--web-seconds 4]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("launch", "topic", "triage answer", "coach verder (SQLite)", "session end")
TARGET = {"launch": 1.3, "topic": 1.3, "triage answer": 1.3, "coach verder (SQLite)": 1.5, "session end": 1.3}


# ---------------------------------------------------------------- the events

def capture_events() -> dict[str, dict]:
    """One real event of each kind, from the simulator playing a conversation with the skill."""
    from skill.adapters.simulator.session import Simulator
    from skill.voice.app import build_skill

    with tempfile.TemporaryDirectory(prefix="hamstring-bench-") as folder:
        from skill.adapters.storage import SqlitePersistenceAdapter
        sim = Simulator(build_skill(persistence_adapter=SqlitePersistenceAdapter(Path(folder) / "capture.sqlite")))
        events = {"launch": sim.launch().request}
        events["topic"] = sim.say("moet ik ijs of warmte gebruiken").request
        sim.say("nee")
        sim.say("check mijn klachten")
        events["triage answer"] = sim.say("nee").request
        sim.say("stop")
        sim.say("start de warming-up")
        turn = sim.say("verder")
        assert turn.request["request"]["intent"]["name"] == "AMAZON.NextIntent", turn.request
        assert "Onderdeel twee" in turn.speech, turn.speech
        events["coach verder (SQLite)"] = turn.request
        events["session end"] = sim.end_session().request
    return events


# ---------------------------------------------------------------- 1. per request

def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def per_request(events: dict[str, dict], requests: int, folder: Path) -> list[dict]:
    from bench.minimal_skill import MinimalSqliteAdapter, build as build_minimal
    from skill.adapters.storage import adapter_from_environment
    from skill.adapters.snapshot import production_content
    from skill.lambda_function import run
    from skill.voice.app import build_skill

    from skill.voice.serializer import FastSerializer

    project = build_skill(production_content(), persistence_adapter=adapter_from_environment(
        {"HAMSTRING_STORE": f"sqlite:{folder / 'project.sqlite'}"}))
    minimal = build_minimal(MinimalSqliteAdapter(folder / "minimal.sqlite"))
    # For reading only: the minimal skill on the project's serializer (skill.voice.serializer), so the
    # table also shows what the project's own turn costs beyond the SDK's, the serializer aside.
    minimal_fast = build_minimal(MinimalSqliteAdapter(folder / "minimal-fast.sqlite"))
    minimal_fast.serializer = FastSerializer()
    skills = {"project": project, "minimal": minimal, "minimal (fast serializer)": minimal_fast}
    times = {(who, kind): [] for who in skills for kind in KINDS}
    for kind in KINDS:                                     # warm up, and check both answer
        for who, skill in skills.items():
            for _ in range(20):
                response = run(skill, events[kind])
            assert "response" in response, (who, kind)
    clock = time.perf_counter_ns
    names = list(skills)
    for i in range(requests):
        order = names[i % len(names):] + names[:i % len(names)]
        for kind in KINDS:
            event = events[kind]
            for who in order:
                skill = skills[who]
                start = clock()
                run(skill, event)
                times[(who, kind)].append((clock() - start) / 1e6)
    rows = []
    for kind in KINDS:
        p, m, f = times[("project", kind)], times[("minimal", kind)], times[("minimal (fast serializer)", kind)]
        rows.append({"kind": kind, "p50": (percentile(p, 50), percentile(m, 50)),
                     "p99": (percentile(p, 99), percentile(m, 99)), "target": TARGET[kind],
                     "same serializer": percentile(p, 50) / percentile(f, 50)})
    return rows


# ---------------------------------------------------------------- 2. cold start

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped at start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def one_cold_start(which: str, event_file: Path, env: dict[str, str]) -> tuple[float, float, dict]:
    """(seconds from start to exit, peak MiB, what it printed) for one fresh process."""
    read, write = os.pipe()
    start = time.perf_counter()
    pid = os.posix_spawn(sys.executable, [sys.executable, str(ROOT / "bench" / "cold_start.py"), which, str(event_file)],
                         env, file_actions=[(os.POSIX_SPAWN_DUP2, write, 1), (os.POSIX_SPAWN_CLOSE, read)])
    os.close(write)
    with os.fdopen(read) as out:
        printed = out.read()
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"cold start of {which} failed: {printed[-500:]}")
    report = json.loads(printed.strip().splitlines()[-1])
    return elapsed, report["peak_kib"] / 1024, report


def cold_starts(events: dict[str, dict], runs: int, folder: Path) -> list[dict]:
    event_file = folder / "launch.json"
    event_file.write_text(json.dumps(events["launch"]), encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base.update({"PYTHONPYCACHEPREFIX": str(folder / "pycache"), "ALEXA_SKILL_ID": events["launch"]["context"]["System"]["application"]["applicationId"],
                 "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"})
    base.pop("HAMSTRING_SNAPSHOT", None)
    rows = []
    moto = None
    try:
        for variant in ("SQLite", "DynamoDB (moto server)"):
            if variant == "SQLite":
                env = dict(base, HAMSTRING_STORE=f"sqlite:{folder / 'cold-project.sqlite'}",
                           MINIMAL_STORE=f"sqlite:{folder / 'cold-minimal.sqlite'}")
            else:
                port = _free_port()
                moto = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                _wait_for_port(port, moto)
                endpoint = f"http://127.0.0.1:{port}"
                os.environ.update({k: base[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")})
                from skill.adapters.storage import dynamodb_adapter
                dynamodb_adapter("bench-project", endpoint=endpoint, create_table=True)
                dynamodb_adapter("bench-minimal", endpoint=endpoint, create_table=True)
                env = dict(base, HAMSTRING_STORE="dynamodb:bench-project", MINIMAL_STORE="dynamodb:bench-minimal",
                           HAMSTRING_DYNAMODB_ENDPOINT=endpoint)
            measured = {"project": [], "minimal": []}
            for who in measured:                     # compiles the bytecode; not counted
                _, _, printed = one_cold_start(who, event_file, env)
                if who == "project":
                    modules = printed["modules"]
            for i in range(runs):
                for who in (("project", "minimal") if i % 2 == 0 else ("minimal", "project")):
                    seconds, mib, printed = one_cold_start(who, event_file, env)
                    measured[who].append((seconds, mib))
            rows.append({"variant": variant,
                         "seconds": tuple(statistics.median(s for s, _ in measured[w]) for w in ("project", "minimal")),
                         "mib": tuple(statistics.median(m for _, m in measured[w]) for w in ("project", "minimal")),
                         "modules": modules})
            if moto is not None:
                _stop(moto)
                moto = None
    finally:
        if moto is not None:
            _stop(moto)
    return rows


# ---------------------------------------------------------------- 3. the web service

def _hammer(port: int, make_request, seconds: float, clients: int) -> float:
    """Requests per second with `clients` connections sending one request after another."""
    counts = [0] * clients
    errors = []
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            method, path, body, headers = make_request(n * clients + index)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                errors.append(response.status)
                return
            n += 1
        counts[index] = n

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"the web service answered {errors[0]}")
    return sum(counts) / (time.monotonic() - started)


def web_throughput(events: dict[str, dict], seconds: float, folder: Path) -> dict:
    from bench.soak import _pki
    from tests.test_web_verification import _sign

    key = _pki(folder)
    cert_url = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"
    port = _free_port()
    env = {**os.environ, "SSL_CERT_FILE": str(folder / "roots.pem"), "SOAK_CHAIN_FILE": str(folder / "chain.pem"),
           "SOAK_CERT_URL": cert_url, "ALEXA_SKILL_ID": events["topic"]["context"]["System"]["application"]["applicationId"],
           "HAMSTRING_STORE": f"sqlite:{folder / 'web.sqlite'}", "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--config", str(ROOT / "gunicorn.conf.py"),
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "bench.soak_app:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(folder / "gunicorn.log", "wb"),
                              start_new_session=True)
    try:
        _wait_for_port(port, server)
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        signed = []
        for _ in range(200):                         # a topic question, each with its own request id
            event = json.loads(json.dumps(events["topic"]))
            event["request"]["timestamp"] = stamp
            event["request"]["requestId"] = f"amzn1.echo-api.request.{uuid.uuid4()}"
            body = json.dumps(event).encode("utf-8")
            signed.append((body, {"Content-Type": "application/json", "SignatureCertChainUrl": cert_url,
                                  "Signature-256": _sign(body, key)}))

        def health(n):
            return "GET", "/health", None, {}

        def post(n):
            body, headers = signed[n % len(signed)]
            return "POST", "/", body, headers

        _hammer(port, post, 0.5, 2)                  # every worker fetches and validates the chain once
        _hammer(port, health, 0.5, 2)
        results = {"health": [], "signed": []}
        for _ in range(2):                           # alternating, so both see the same machine
            results["health"].append(_hammer(port, health, seconds / 2, 4))
            results["signed"].append(_hammer(port, post, seconds / 2, 4))
        return {k: statistics.mean(v) for k, v in results.items()}
    finally:
        _stop(server)


# ---------------------------------------------------------------- report

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu}, Python {platform.python_version()}, load {load:.1f} at start"


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests of each kind, per skill")
    parser.add_argument("--cold-runs", type=int, default=7, help="fresh processes per skill and store")
    parser.add_argument("--web-seconds", type=float, default=4.0, help="seconds per web measurement")
    args = parser.parse_args(argv)

    from skill.adapters.snapshot import read_snapshot, snapshot_file, write_snapshot
    if read_snapshot() is None:
        print(f"compiling the content snapshot: {write_snapshot()}")
    print(f"machine: {machine()}")
    events = capture_events()
    with tempfile.TemporaryDirectory(prefix="hamstring-bench-") as tmp:
        folder = Path(tmp)
        turns = per_request(events, args.requests, folder)
        colds = cold_starts(events, args.cold_runs, folder)
        web = web_throughput(events, args.web_seconds, folder)

    print()
    print(f"1. per request, Lambda path (event in, response out), {args.requests} of each kind per skill, in ms")
    print(f"   {'request':24s} {'p50':>7s} {'minimal':>8s} {'ratio':>6s}   {'p99':>7s} {'minimal':>8s} {'ratio':>6s}   target p50  met"
          f"   p50 ratio, both on FastSerializer*")
    for row in turns:
        (p50, m50), (p99, m99) = row["p50"], row["p99"]
        print(f"   {row['kind']:24s} {p50:7.3f} {m50:8.3f} {p50 / m50:5.2f}x   {p99:7.3f} {m99:8.3f} {p99 / m99:5.2f}x   "
              f"<= {row['target']:.1f}x     {verdict(p50 / m50 <= row['target']):3s}   {row['same serializer']:5.2f}x")
    print("   * not a target: the minimal skill given the project's serializer too (skill/voice/serializer.py),")
    print("     which shows the project's own turn against the SDK's, the serializer aside")
    print()
    print(f"2. cold start: fresh process, import + one LaunchRequest (median of {args.cold_runs})")
    print(f"   {'store':24s} {'time':>7s} {'minimal':>8s} {'ratio':>6s}   {'memory':>8s} {'minimal':>8s} {'ratio':>6s}   target  met")
    for row in colds:
        (s, ms), (m, mm) = row["seconds"], row["mib"]
        print(f"   {row['variant']:24s} {s * 1000:5.0f}ms {ms * 1000:6.0f}ms {s / ms:5.2f}x   {m:6.1f}MiB {mm:6.1f}MiB "
              f"{m / mm:5.2f}x   <= 1.5x  {verdict(s / ms <= 1.5 and m / mm <= 1.5)}")
    print(f"   loaded at the project's cold start of those three: {', '.join(colds[0]['modules']) or 'none of jsonschema, yaml, num2words'}")
    print()
    ratio = web["signed"] / web["health"]
    print("3. web service, gunicorn as `make run` (gunicorn.conf.py: 2 workers, 4 threads each), 4 clients, requests per second")
    print(f"   /health {web['health']:7.0f}/s   signed POST (topic) {web['signed']:7.0f}/s   ratio {ratio:4.2f}   "
          f"target >= 0.5  {verdict(ratio >= 0.5)}")
    print()
    print(f"snapshot: {snapshot_file()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
