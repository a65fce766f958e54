"""The HTTPS web service Alexa calls: Flask + flask-ask-sdk, with request verification always on.

Production: `gunicorn 'skill.adapters.web:create_app()'` behind an HTTPS proxy (README).
Alexa signs every request; flask-ask-sdk's verifiers check the signature and certificate chain,
and the timestamp (150 s). On top of that, requests for another skill id are refused here.

The order is ours, so that junk costs little and never reaches the skill: the body size first
(256 KB; Alexa's requests are a few KB), then the headers and the certificate URL by Alexa's
rules, then the signature over the raw bytes, and only then is the body parsed. Every refusal is
HTTP 400 with the reason in the log, never a 500 and never the body.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import posixpath
import re
import threading
import time
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from ask_sdk_webservice_support.verifier import RequestVerifier
from cryptography.exceptions import InvalidSignature
from flask import Flask, Response, jsonify, request
from werkzeug.datastructures import EnvironHeaders
from werkzeug.wsgi import get_content_length, get_input_stream
from flask_ask_sdk.skill_adapter import (
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)

from skill.adapters.snapshot import production_content
from skill.adapters.storage import adapter_from_environment
from skill.voice.app import get_skill

log = logging.getLogger("hamstring.web")

MAX_BODY_BYTES = 256 * 1024
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_SIGNATURE_HEADERS = ("Signature-256", "Signature")   # Alexa sends both; flask-ask-sdk reads Signature-256


_GOOD_URLS: dict[str, bool] = {}     # URLs that passed check_certificate_url (a pure function of the URL)


def check_certificate_url(url: str) -> None:
    """Alexa's rules for SignatureCertChainUrl, exactly: https, host s3.amazonaws.com, port 443 if
    given, a normalised path that starts with /echo.api/ (case-sensitive), no user info, and no
    percent-encoded dots or slashes that would change the path after this check. A URL that passed
    is remembered (at most 64): Alexa sends the same one for weeks."""
    if url in _GOOD_URLS:
        return
    _check_certificate_url(url)
    if len(_GOOD_URLS) >= 64:
        _GOOD_URLS.clear()
    _GOOD_URLS[url] = True


def _check_certificate_url(url: str) -> None:
    if not url or len(url) > 1000 or not url.isascii() or re.search(r"[\s\\\x00-\x1f\x7f]", url):
        raise VerificationException("Signature Certificate URL has invalid characters")
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise VerificationException("Signature Certificate URL has invalid protocol")
    if "@" in parts.netloc:
        raise VerificationException("Signature Certificate URL has invalid user info")
    if (parts.hostname or "").lower() != "s3.amazonaws.com":
        raise VerificationException("Signature Certificate URL has invalid hostname")
    try:
        port = parts.port
    except ValueError as exc:
        raise VerificationException("Signature Certificate URL has invalid port") from exc
    if port not in (None, 443):
        raise VerificationException("Signature Certificate URL has invalid port")
    if re.search(r"%2e|%2f|%5c", parts.path, re.IGNORECASE):
        raise VerificationException("Signature Certificate URL has invalid path (encoded dot or slash)")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith("/echo.api/"):
        raise VerificationException("Signature Certificate URL has invalid path")


_VALIDATING = threading.Lock()      # one certificate chain validation at a time in this process


class CachingRequestVerifier(RequestVerifier):
    """ask-sdk-webservice-support's RequestVerifier, with the chains that passed validation kept.

    Validating the chain to a trusted root (certvalidator) is most of a signed request's cost, and
    Alexa signs with the same certificate for weeks. So each worker keeps, per certificate URL, the
    end certificate of a chain that validated: at most MAX_CHAINS of them, each for at most
    TTL_SECONDS and never past the moment the first certificate of its chain expires; then the
    chain is downloaded and validated again. What stays per request: the URL's form, the end
    certificate's validity period and its SAN echo-api.amazon.com, the signature over the body
    (here, with the public key read once per kept chain), and the timestamp (TimestampVerifier). The interface is the SDK's `verify(headers,
    serialized_request_env, deserialized_request_env)`."""

    MAX_CHAINS = 8
    TTL_SECONDS = 3600.0

    def __init__(self, *args, clock=time.monotonic, wall_clock=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._chains: OrderedDict[str, tuple] = OrderedDict()   # url -> (_KeptCertificate, valid until (monotonic))
        self._lock = threading.Lock()
        self._clock = clock
        self._wall_clock = wall_clock or (lambda: datetime.now(timezone.utc))

    def verify(self, headers, serialized_request_env, deserialized_request_env) -> None:
        """The SDK's verify: the two headers, the chain (kept, or fetched and validated), the end
        certificate's validity now and its SAN, and the signature over the body, with the public
        key read once per kept chain."""
        cert_url = signature = None
        for key, value in headers.items():
            if key.lower() == self._signature_cert_chain_url_key.lower():
                cert_url = value
            elif key.lower() == self._signature_key.lower():
                signature = value
        if cert_url is None or signature is None:
            raise VerificationException("Missing Signature/Certificate for the skill request")
        kept = self._kept_certificate(cert_url)
        try:
            kept.public_key.verify(base64.b64decode(signature), serialized_request_env.encode("utf-8"),
                                   self._padding, self._hash_algorithm)
        except InvalidSignature as exc:
            raise VerificationException("Request body is not valid", exc) from exc

    def _retrieve_and_validate_certificate_chain(self, cert_url, x509_backend=None):
        return self._kept_certificate(cert_url).certificate

    def _kept_certificate(self, cert_url) -> "_KeptCertificate":
        self._validate_certificate_url(cert_url)
        now = self._clock()
        with self._lock:
            cached = self._chains.get(cert_url)
            if cached is not None and now < cached[1]:
                self._chains.move_to_end(cert_url)
                kept = cached[0]
            else:
                kept = None
                self._chains.pop(cert_url, None)
        if kept is None:
            with _VALIDATING:
                kept = self._validate_and_keep(cert_url, now)
        self._check_end_certificate(kept)
        return kept

    def _validate_and_keep(self, cert_url, now) -> "_KeptCertificate":
        """Downloads and validates a chain, one thread at a time: certvalidator shares its trusted
        roots between threads and is not safe for concurrent use (two validations at once can fail
        with a KeyError inside asn1crypto). Threads that waited find the chain kept."""
        with self._lock:
            cached = self._chains.get(cert_url)
            if cached is not None and now < cached[1]:
                return cached[0]
        from cryptography.x509 import load_pem_x509_certificates
        cert_chain = self._load_cert_chain(cert_url)
        self._cert_cache.pop(cert_url, None)          # the SDK's own cache would keep it for ever
        self._validate_cert_chain(cert_chain)          # certvalidator: the chain to a trusted root
        certificates = load_pem_x509_certificates(cert_chain)
        kept = _KeptCertificate.of(certificates[0])
        first_expiry = min(c.not_valid_after_utc for c in certificates)
        seconds_left = (first_expiry - self._wall_clock()).total_seconds()
        with self._lock:
            self._chains[cert_url] = (kept, now + min(self.TTL_SECONDS, seconds_left))
            self._chains.move_to_end(cert_url)
            while len(self._chains) > self.MAX_CHAINS:
                self._chains.popitem(last=False)
        return kept

    def _validate_end_certificate(self, x509_cert) -> None:
        """Every request: the end certificate is valid now and names echo-api.amazon.com."""
        self._check_end_certificate(_KeptCertificate.of(x509_cert))

    def _check_end_certificate(self, kept: "_KeptCertificate") -> None:
        now = self._wall_clock()
        if not (kept.not_before <= now <= kept.not_after):
            raise VerificationException("Signing Certificate expired")
        if "echo-api.amazon.com" not in kept.names:
            raise VerificationException("echo-api.amazon.com domain missing in Signature Certificate Chain")

    def cached_urls(self) -> list[str]:
        with self._lock:
            return list(self._chains)


class _KeptCertificate(NamedTuple):
    """An end certificate with what every request checks read from it once: its validity period,
    its DNS names (SAN) and its public key."""
    certificate: Any
    not_before: datetime
    not_after: datetime
    names: frozenset
    public_key: Any

    @classmethod
    def of(cls, certificate) -> "_KeptCertificate":
        from cryptography import x509

        try:
            names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound:
            names = []
        return cls(certificate, certificate.not_valid_before_utc, certificate.not_valid_after_utc, frozenset(names),
                   certificate.public_key())


def _header(headers, *names: str) -> str | None:
    for name in names:
        value = headers.get(name)
        if value is not None:
            return value
    return None


def _json_object(body: str) -> dict:
    """The body as a JSON object; anything else is refused (deep nesting included)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise VerificationException(f"Request body is not JSON ({type(exc).__name__})") from exc
    if not isinstance(data, dict):
        raise VerificationException("Request body is not a JSON object")
    return data


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
    if not logging.getLogger().handlers:
        # Before the first warning, so every line has its time and level (under gunicorn too).
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    if skill_id is None:
        skill_id = os.environ.get("ALEXA_SKILL_ID") or None
    if skill_id is None:
        log.warning("ALEXA_SKILL_ID is not set: requests for any skill id are accepted. "
                    "Set it to your skill's id (amzn1.ask.skill....) before going live.")

    app = Flask("hamstring_hulp")
    app.logger.addFilter(NoTracebacks())
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = True
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = True
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    the_skill = skill or get_skill(adapter_from_environment, production_content)
    adapter = SkillAdapter(skill=the_skill, skill_id=skill_id or "hamstring-hulp",
                           verifiers=[SkillIdVerifier(skill_id)], app=app)
    verifiers = adapter._webservice_handler._verifiers
    # flask-ask-sdk adds the SDK's RequestVerifier from the config above; ours takes its place.
    verifiers[:] = [CachingRequestVerifier() if type(v) is RequestVerifier else v for v in verifiers]
    signature_verifiers = [v for v in verifiers if isinstance(v, RequestVerifier)]
    envelope_verifiers = [v for v in verifiers if not isinstance(v, RequestVerifier)]
    if not signature_verifiers:        # flask-ask-sdk adds it from the config above; never run without
        raise RuntimeError("request signature verification is missing")

    def refuse(exc: Exception) -> Response:
        # The reason (never the body) goes to the log, as flask-ask-sdk does: "Request verification
        # failed (VerificationException: reason)"; NoTracebacks keeps only that line.
        if not isinstance(exc, VerificationException):
            exc = VerificationException(f"{type(exc).__name__} while verifying")
        app.logger.error("Request verification failed", exc_info=(type(exc), exc, exc.__traceback__))
        return Response('{"error": "bad request"}', status=400, mimetype="application/json")

    def answer(environ) -> Response:
        """A POST to /: what Flask's request would give (the same werkzeug functions on the WSGI
        environ: Content-Length, the input stream with MAX_CONTENT_LENGTH, the headers), verified,
        then the skill's answer."""
        try:
            content_length = get_content_length(environ)
            if content_length is not None and content_length > MAX_BODY_BYTES:
                raise VerificationException(f"Request body is larger than {MAX_BODY_BYTES} bytes")
            raw = get_input_stream(environ, max_content_length=app.config["MAX_CONTENT_LENGTH"]).read(MAX_BODY_BYTES + 1)
            if len(raw) > MAX_BODY_BYTES:
                raise VerificationException(f"Request body is larger than {MAX_BODY_BYTES} bytes")
            headers = EnvironHeaders(environ)
            cert_url = _header(headers, "SignatureCertChainUrl")
            signature = _header(headers, *_SIGNATURE_HEADERS)
            if not cert_url or not signature:
                raise VerificationException("Missing Signature/Certificate for the skill request")
            check_certificate_url(cert_url)
            try:
                base64.b64decode(signature, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise VerificationException("Signature is not base64") from exc
            try:
                body = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise VerificationException("Request body is not UTF-8") from exc
            # The two headers the signature verifier reads, as it would find them among all of them
            # (WSGI gives each header once, whatever its case), without walking them all again.
            signed_headers = {name: value for name in ("SignatureCertChainUrl", "Signature-256")
                              if (value := headers.get(name)) is not None}
            for verifier in signature_verifiers:        # signature and chain, over the raw body
                verifier.verify(headers=signed_headers, serialized_request_env=body, deserialized_request_env=None)
            data = _json_object(body)
            read_parsed = getattr(the_skill.serializer, "deserialize_parsed", None)   # FastSerializer: parsed once
            try:
                envelope = (read_parsed(data, RequestEnvelope, body) if read_parsed is not None
                            else the_skill.serializer.deserialize(payload=body, obj_type=RequestEnvelope))
            except Exception as exc:
                raise VerificationException(f"Request body is not an Alexa request ({type(exc).__name__})") from exc
            if envelope is None or envelope.request is None or envelope.context is None:
                raise VerificationException("Request body is not an Alexa request")
            for verifier in envelope_verifiers:          # timestamp, skill id
                verifier.verify(headers=headers, serialized_request_env=body, deserialized_request_env=envelope)
        except Exception as exc:
            return refuse(exc)
        response_envelope = the_skill.invoke(request_envelope=envelope, context=None)
        return app.json.response(the_skill.serializer.serialize(response_envelope))   # what jsonify gives

    @app.post("/")
    def alexa() -> Response:
        return answer(request.environ)

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    register_documents(app)

    from skill.adapters import console
    if console.enabled():       # HAMSTRING_CONSOLE=1 (`make console`) only; production has no console routes
        console.register(app, the_skill)

    if not _app_wide_hooks(app):
        app.wsgi_app = AlexaFirst(app, app.wsgi_app, answer)
    return app


class AlexaFirst:
    """POST / goes straight to the Alexa answer, without Flask's request machinery around it
    (request and app contexts, URL matching, sessions, hooks: about a sixth of a signed request's
    time under gunicorn); everything else goes to Flask. Installed only when the app has no
    app-wide before/after/teardown hooks, so Flask would add nothing to that answer. An exception
    from the skill is handled as Flask handles it (logged, HTTP 500; raised when testing).
    tests/test_forged_requests.py holds both ways to the same status, headers and body."""

    def __init__(self, app: Flask, flask_wsgi, answer) -> None:
        self.app, self.flask_wsgi, self.answer = app, flask_wsgi, answer

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != "/":
            return self.flask_wsgi(environ, start_response)
        try:
            response = self.answer(environ)
        except Exception as exc:
            with self.app.request_context(environ):
                response = self.app.handle_exception(exc)
        return response(environ, start_response)


def _app_wide_hooks(app: Flask) -> bool:
    """Whether Flask would run anything of the app's own around a request to /."""
    per_blueprint = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
                     app.url_value_preprocessors, app.url_default_functions)
    return any(registry.get(None) for registry in per_blueprint) or bool(app.teardown_appcontext_funcs)


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
