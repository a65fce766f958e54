"""Soak: many simulated listeners at once, for a fixed time, through the skill (`make soak`).

Each listener is the offline simulator with a user id of its own, doing what a listener does with
the coach, over and over: starts the warm-up, goes on, pauses somewhere, comes back in a new
session ten minutes later ("ga verder met de warming-up"), checks that the coach picks up in the
part where they paused, asks a question in between, stops. Two ways in:

  threads   50 listeners in threads against the one skill object (SQLite store), the way a
            process with concurrent requests runs it;
  gunicorn  the same listeners over HTTP to gunicorn on 127.0.0.1, every request signed with a
            local CA's certificate and verified by the web service as Alexa's would be.

Reports requests, errors (an exception, a non-200, an invalid response or "er ging iets mis"),
lost positions (the coach not resuming where the listener paused) and the p50/p99/max time of a
request. Exits 1 when there is any error or lost position. Loopback only; bounded in time.

    python bench/soak.py [--listeners 50] [--seconds 60] [--mode threads|gunicorn|both]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ask_sdk_model import ResponseEnvelope  # noqa: E402

from skill.adapters.simulator.nlu import default_nlu  # noqa: E402
from skill.adapters.simulator.session import SIMULATOR_SKILL_ID, Simulator  # noqa: E402
from skill.adapters.storage import SqlitePersistenceAdapter  # noqa: E402
from skill.core.content import load_content  # noqa: E402
from skill.voice.app import build_skill  # noqa: E402
from tests.envelopes import response_problems  # noqa: E402

PARTS = {1: "één", 2: "twee", 3: "drie", 4: "vier"}
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-soak.pem"


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: list[float] = []
        self.errors: list[str] = []
        self.lost = 0
        self.rounds = 0

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


class TimedSkill:
    """What the simulator calls as its skill: times every request, and checks every response."""

    def __init__(self, invoke, serializer, tally: Tally):
        self._invoke, self.serializer, self.tally = invoke, serializer, tally

    def invoke(self, request_envelope, context):
        started = time.perf_counter()
        try:
            response_envelope = self._invoke(request_envelope, context)
        finally:
            elapsed = time.perf_counter() - started
            with self.tally.lock:
                self.tally.times.append(elapsed)
        event = self.serializer.serialize(request_envelope)
        response = self.serializer.serialize(response_envelope)
        problems = response_problems(event, response)
        ssml = ((response.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")
        if "iets mis" in ssml:
            problems.append("the skill said something went wrong")
        if problems:
            self.tally.error(f"{event['request']['type']}: {problems[:2]}")
        return response_envelope


def listener(make_skill, nlu, tally: Tally, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    sim = Simulator(make_skill(), nlu, user_id=f"amzn1.ask.account.soak-{uuid.uuid4().hex}")
    while time.monotonic() < deadline:
        try:
            sim.say("vraag hamstring hulp om de warming-up te starten")
            part = 1
            if rng.random() < 0.6:
                sim.say("verder")
                part = 2
            sim.interrupt_after(rng.uniform(5, 60))           # somewhere in the middle of that part
            sim.say("pauze")
            sim.wait(600)
            turn = sim.say("ga verder met de warming-up")
            if f"bij onderdeel {PARTS[part]}" not in turn.speech:
                with tally.lock:
                    tally.lost += 1
            sim.say("moet ik ijs of warmte gebruiken")
            sim.say("stop")
            with tally.lock:
                tally.rounds += 1
        except Exception as exc:                               # an error, not a crash of the soak
            tally.error(f"{type(exc).__name__}: {str(exc)[:120]}")
            sim._close()


def run_listeners(make_skill, listeners: int, seconds: float, tally: Tally) -> Tally:
    nlu = default_nlu()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=listener, args=(make_skill, nlu, tally, deadline, i), daemon=True)
               for i in range(listeners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    if any(thread.is_alive() for thread in threads):
        tally.error("a listener was still busy a minute after the end")
    return tally


# ---------------------------------------------------------------- through the skill, in threads

def soak_threads(listeners: int, seconds: float, folder: Path, store="sqlite") -> Tally:
    """`store=None` runs without a store: every position is lost (tests/test_soak.py checks the count)."""
    adapter = SqlitePersistenceAdapter(folder / "threads.sqlite") if store == "sqlite" else store
    skill = build_skill(load_content(), persistence_adapter=adapter)
    tally = Tally()
    return run_listeners(lambda: TimedSkill(skill.invoke, skill.serializer, tally), listeners, seconds, tally)


# ---------------------------------------------------------------- through gunicorn, signed

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pki(folder: Path):
    from tests.test_web_verification import _make_ca, _make_leaf, _pem
    now = datetime.now(timezone.utc)
    ca, ca_key = _make_ca("Hamstring Hulp soak root", now)
    leaf, key = _make_leaf(ca, ca_key, now)
    (folder / "roots.pem").write_bytes(_pem(ca))
    (folder / "chain.pem").write_bytes(_pem(leaf) + _pem(ca))
    return key


def soak_gunicorn(listeners: int, seconds: float, folder: Path, workers: int = 2, threads: int = 8) -> Tally:
    from tests.test_web_verification import _sign

    key = _pki(folder)
    port = _free_port()
    env = {**os.environ, "SSL_CERT_FILE": str(folder / "roots.pem"), "SOAK_CHAIN_FILE": str(folder / "chain.pem"),
           "SOAK_CERT_URL": CERT_URL, "ALEXA_SKILL_ID": SIMULATOR_SKILL_ID,
           "HAMSTRING_STORE": f"sqlite:{folder / 'gunicorn.sqlite'}", "PYTHONPATH": str(ROOT)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                               "--worker-class", "gthread", "--threads", str(threads), "--timeout", "30",
                               "--log-level", "warning", "bench.soak_app:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(folder / "gunicorn.log", "wb"),
                              start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/health", server)
        serializer = load_skill_serializer()
        tally = Tally()

        def over_http(request_envelope, context):
            event = serializer.serialize(request_envelope)
            # The simulator's clock runs ahead (it lets minutes pass while a block plays); the web
            # service accepts only requests stamped within 150 s, as Alexa's are. So the request
            # carries the real time, and the coach's "at" (when its block started) is moved into real
            # time on the way in and back on the way out, which keeps the time between response and
            # request that the coach reads its place from.
            now = datetime.now(timezone.utc).replace(microsecond=0)
            simulated = datetime.fromisoformat(event["request"]["timestamp"].replace("Z", "+00:00"))
            event["request"]["timestamp"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
            coach = ((event.get("session") or {}).get("attributes") or {}).get("coach")
            if isinstance(coach, dict) and "at" in coach:
                coach["at"] = (datetime.fromisoformat(coach["at"]) - (simulated - now)).isoformat()
            body = json.dumps(event).encode("utf-8")
            request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body, method="POST", headers={
                "Content-Type": "application/json", "SignatureCertChainUrl": CERT_URL,
                "Signature-256": _sign(body, key)})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    payload = response.read()
            except urllib.error.HTTPError as exc:
                raise RuntimeError(f"HTTP {exc.code}") from None
            answer = json.loads(payload)
            coach = (answer.get("sessionAttributes") or {}).get("coach")
            if isinstance(coach, dict) and "at" in coach:            # and back into the simulator's time
                coach["at"] = (datetime.fromisoformat(coach["at"]) + (simulated - now)).isoformat()
            return serializer.deserialize(json.dumps(answer), ResponseEnvelope)

        return run_listeners(lambda: TimedSkill(over_http, serializer, tally), listeners, seconds, tally)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def load_skill_serializer():
    from ask_sdk_core.serialize import DefaultSerializer
    return DefaultSerializer()


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped at start-up")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /health")


# ---------------------------------------------------------------- report

def report(mode: str, listeners: int, seconds: float, tally: Tally) -> bool:
    times = sorted(tally.times)
    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))] * 1000 if times else float("nan")
    print(f"soak {mode}: {listeners} listeners for {seconds:g} s: {len(times)} requests, {len(tally.errors)} errors, "
          f"{tally.lost} lost positions, {tally.rounds} rounds; request time p50 {pct(0.50):.1f} ms, "
          f"p99 {pct(0.99):.1f} ms, max {pct(1.0):.1f} ms")
    for error in tally.errors[:5]:
        print(f"  error: {error}")
    return not tally.errors and not tally.lost and len(times) > 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listeners", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--mode", choices=["threads", "gunicorn", "both"], default="both")
    args = parser.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory(prefix="hamstring-soak-") as tmp:
        folder = Path(tmp)
        if args.mode in ("threads", "both"):
            ok &= report("threads", args.listeners, args.seconds, soak_threads(args.listeners, args.seconds, folder))
        if args.mode in ("gunicorn", "both"):
            ok &= report("gunicorn", args.listeners, args.seconds, soak_gunicorn(args.listeners, args.seconds, folder))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
