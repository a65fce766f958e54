"""The HTTPS web service Alexa calls: Flask + flask-ask-sdk, with request verification always on.

Production: `gunicorn 'skill.adapters.web:create_app()'` behind an HTTPS proxy (README).
Alexa signs every request; flask-ask-sdk checks the signature and certificate chain, and the
timestamp (150 s). On top of that, requests for another skill id are refused here.
"""
from __future__ import annotations

import logging
import os

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from flask import Flask, Response, jsonify
from flask_ask_sdk.skill_adapter import (
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)

from skill.voice.app import get_skill

log = logging.getLogger("hamstring.web")


class SkillIdVerifier(AbstractVerifier):
    """Refuses requests meant for another skill (HTTP 400, like the other verifiers)."""

    def __init__(self, skill_id: str | None):
        self.skill_id = skill_id

    def verify(self, headers, serialized_request_env: str, deserialized_request_env: RequestEnvelope) -> None:
        if self.skill_id is None:
            return
        context = deserialized_request_env.context
        application = getattr(getattr(context, "system", None), "application", None)
        if application is None and deserialized_request_env.session is not None:
            application = deserialized_request_env.session.application
        if application is None or application.application_id != self.skill_id:
            raise VerificationException("request is for another skill id")


class NoTracebacks(logging.Filter):
    """flask-ask-sdk logs failures with the traceback. An exception's message could quote the
    request, so only its type is kept; a verifier's own reason ("Timestamp verification failed")
    quotes nothing a listener said and stays, so operators can see why a request was refused."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            kind, error = record.exc_info[0], record.exc_info[1]
            reason = f": {error}" if isinstance(error, VerificationException) else ""
            record.msg = f"{record.getMessage()} ({kind.__name__}{reason})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def create_app(skill: CustomSkill | None = None, *, skill_id: str | None = None) -> Flask:
    """Builds the Flask app. Verification cannot be switched off from here."""
    if skill_id is None:
        skill_id = os.environ.get("ALEXA_SKILL_ID") or None
    if skill_id is None:
        log.warning("ALEXA_SKILL_ID is not set: requests for any skill id are accepted. "
                    "Set it to your skill's id (amzn1.ask.skill....) before going live.")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    app = Flask("hamstring_hulp")
    app.logger.addFilter(NoTracebacks())
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = True
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = True
    adapter = SkillAdapter(skill=skill or get_skill(), skill_id=skill_id or "hamstring-hulp",
                           verifiers=[SkillIdVerifier(skill_id)], app=app)
    adapter.register(app=app, route="/")

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    register_documents(app)

    return app


def register_documents(app: Flask) -> None:
    """/privacy and /voorwaarden: the privacy statement and the terms from content/, the addresses
    the store listing points to (README, "Going live")."""
    from skill.adapters import documents

    fields = documents.practice()
    if not all(fields.values()):
        log.warning("PRACTICE_NAME or PRACTICE_CONTACT is not set: /privacy and /voorwaarden do not say "
                    "who offers the skill and how to reach them. Set both before going live.")
    for name in documents.DOCUMENTS:
        page = documents.render_html(name, fields)     # rendered once: a broken file stops the start
        app.add_url_rule(f"/{name}", f"document_{name}",
                         lambda page=page: Response(page, mimetype="text/html", headers={"Cache-Control": "max-age=3600"}),
                         methods=["GET"])


def main() -> None:
    """`python -m skill.adapters.web`: Flask's development server, for a quick local look."""
    port = int(os.environ.get("PORT", "5000"))
    create_app().run(host=os.environ.get("HOST", "127.0.0.1"), port=port)


if __name__ == "__main__":
    main()
