"""The practice's console in the browser: /console on the skill's own web service.

On only when HAMSTRING_CONSOLE=1 (`make console` sets it); the production configuration never
registers a single console route, so /console and its API are 404 there. Even when on, the
console answers only requests from this machine (loopback, by a local host name), unless
HAMSTRING_CONSOLE_REMOTE=1.

- /console            chat pane and why-pane: the offline simulator around the skill object
- /console/onderwerpen  every topic with its parts and their spoken length
- /console/triage     the protocol as a Mermaid diagram, with the vignettes
- /console/oefeningen every routine with its timed script
- /console/api/...    JSON for the pages (sessions per tab, the slow checks)

Conversations live in memory per browser tab (sessions.py) and are never logged or stored.
"""
from __future__ import annotations

import ipaddress
import os
import threading
from pathlib import Path
from typing import Callable

from flask import Blueprint, Flask, abort, jsonify, render_template, request

from skill import paths

ENV_FLAG = "HAMSTRING_CONSOLE"
ENV_REMOTE = "HAMSTRING_CONSOLE_REMOTE"
HERE = Path(__file__).resolve().parent
VIGNETTE_DIR = paths.ROOT / "tests" / "triage"
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})


def enabled(environ: dict | None = None) -> bool:
    environ = os.environ if environ is None else environ
    return environ.get(ENV_FLAG, "").strip() == "1"


def _loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def register(app: Flask, skill, *, content_dir: Callable[[], Path] = paths.content_dir,
             model_path: Callable[[], Path] = paths.model_file,
             vignette_dir: Callable[[], Path] = lambda: VIGNETTE_DIR) -> None:
    """Adds /console to the app. Call only when `enabled()`; create_app does that check."""
    from skill.adapters.console import review
    from skill.adapters.console.sessions import RecordingNlu, SessionStore
    from skill.adapters.console.suggest import suggestions
    from skill.adapters.simulator.nlu import Nlu, load_builtins, load_model
    from skill.adapters.simulator.session import Simulator

    nlu = Nlu(load_model(model_path()), load_builtins())      # the same offline NLU as `make chat`
    protocol_holder = {}

    def make_simulator():
        recording = RecordingNlu(nlu)
        return Simulator(skill, recording), recording

    # The chat talks to the skill object built at start, as `make chat` does; the review pages read
    # content/ at every request. The chat says so when the files changed since the start.
    started_with = review.fingerprint(Path(content_dir()))
    store = SessionStore(make_simulator)
    talking = threading.Lock()      # the offline NLU keeps a little state per call: one utterance at a time
    checks = review.CheckRunner(content_dir, model_path, vignette_dir)
    console = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
                        static_folder="static", static_url_path="/static")

    @console.before_request
    def only_here():
        # From this machine, and by a local name: a page elsewhere that renames itself to 127.0.0.1
        # (DNS rebinding) still sends its own host name and is refused.
        if os.environ.get(ENV_REMOTE, "").strip() == "1":
            return
        host = request.host or ""
        name = host.split("]")[0] + "]" if host.startswith("[") else host.split(":")[0]
        if not _loopback(request.remote_addr) or name.lower() not in LOCAL_NAMES:
            abort(403)

    @console.after_request
    def no_cache(response):
        if not request.path.startswith("/console/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    def current_content():
        content, problems = review.load(Path(content_dir()))
        if content is not None:
            protocol_holder["protocol"] = content.triage
        return content, problems

    def protocol():
        if "protocol" not in protocol_holder:
            current_content()
        return protocol_holder.get("protocol")

    @console.get("/")
    def chat():
        return render_template("console/chat.html", page="chat", urgencies=review.URGENCY_NL)

    @console.get("/onderwerpen")
    def topics():
        content, problems = current_content()
        return render_template("console/topics.html", page="topics", problems=problems,
                               topics=review.topics_view(content) if content else [])

    @console.get("/triage")
    def triage():
        content, problems = current_content()
        view = review.triage_view(content, Path(vignette_dir())) if content else None
        return render_template("console/triage.html", page="triage", problems=problems, triage=view,
                               urgencies=review.URGENCY_NL)

    @console.get("/oefeningen")
    def routines():
        content, problems = current_content()
        return render_template("console/routines.html", page="routines", problems=problems,
                               routines=review.routines_view(content) if content else [])

    # ------------------------------------------------------------ the chat's API (per tab)

    def _answer(session, result):
        content, _ = current_content()
        result["suggestions"] = suggestions(result.get("turn") if result.get("in_session") else None, content,
                                            Path(model_path()), Path(content_dir()), Path(vignette_dir()))
        result["session"] = session.id
        result["content_changed"] = review.fingerprint(Path(content_dir())) != started_with
        return jsonify(result)

    @console.post("/api/sessions")
    def new_session():
        session = store.create()
        with talking:
            result = session.run("new", protocol())
        return _answer(session, result)

    @console.post("/api/sessions/<session_id>/<action>")
    def act(session_id: str, action: str):
        if action not in ("say", "silence", "new", "wait", "interrupt"):
            abort(404)
        session = store.get(session_id)
        if session is None:
            return jsonify(error="Deze sessie bestaat niet meer (de console is herstart of de tab was lang niet gebruikt)."), 410
        body = request.get_json(silent=True) or {}
        value = body.get("text") if action == "say" else body.get("seconds")
        if action in ("wait", "interrupt"):
            try:
                value = float(str(value).replace(",", "."))
            except (TypeError, ValueError):
                return jsonify(error="Geef een aantal seconden."), 400
        with talking:
            result = session.run(action, protocol(), value)
        return _answer(session, result)

    @console.delete("/api/sessions/<session_id>")
    def forget(session_id: str):
        store.drop(session_id)
        return jsonify(ok=True)

    @console.get("/api/check")
    def check():
        return jsonify(checks.status())

    app.register_blueprint(console)
    app.extensions["hamstring_console"] = {"sessions": store, "checks": checks}
