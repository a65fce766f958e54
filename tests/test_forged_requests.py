"""The forged-request table: everything someone without Alexa's key (or with a broken client) can
send to the web service, through the real Flask app with verification on, in-process, with the
local CA of tests/test_web_verification.py. Every row must be refused with 400 (never a 5xx),
and the genuine rows must be answered, so the table cannot pass by refusing everything.
"""
from __future__ import annotations

import base64
import json

import pytest

from skill.adapters.web import MAX_BODY_BYTES
from tests.test_web_verification import CERT_URL, _body, _sign, client, pki, served_chains  # noqa: F401  (fixtures)

BASE = "https://s3.amazonaws.com/echo.api/"


def _envelope(**changes) -> dict:
    envelope = json.loads(_body())
    for path, value in changes.items():
        target = envelope
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[key]
        if value is DELETE:
            target.pop(keys[-1])
        else:
            target[keys[-1]] = value
    return envelope


DELETE = object()


def _cases(pki) -> list[tuple[str, dict]]:
    """(name, request) rows; a request is body, headers and what the stand-in for S3 serves."""
    good = _body()
    signed = lambda body, key="key": {"body": body, "signature": _sign(body, pki[key])}  # noqa: E731
    nested = b"[" * 100_000 + b"]" * 100_000
    rows = [
        ("no signature headers", {"body": good, "headers": {}}),
        ("no certificate URL", {"body": good, "headers": {"Signature-256": _sign(good, pki["key"])}}),
        ("signature is not base64", {"body": good, "signature": "!!!not*base64!!!"}),
        ("signature is empty", {"body": good, "signature": ""}),
        ("signature by another key", signed(good, "rogue_key")),
        ("body changed after signing", {"body": good.replace(b"LaunchRequest", b"IntentRequest"),
                                        "signature": _sign(good, pki["key"])}),
        ("certificate from an untrusted root", {**signed(good, "rogue_key"), "url": BASE + "rogue.pem",
                                                "serve": "rogue_chain"}),
        ("certificate for another domain", {**signed(good, "wrong_san_key"), "url": BASE + "other.pem",
                                            "serve": "wrong_san_chain"}),
        ("certificate without SAN", {**signed(good, "no_san_key"), "url": BASE + "bare.pem", "serve": "no_san_chain"}),
        ("certificate that is no certificate", {**signed(good), "url": BASE + "garbage.pem", "serve": "garbage_chain"}),
        ("nothing at the certificate URL", {**signed(good), "url": BASE + "absent.pem"}),
        ("timestamp is garbage", signed(json.dumps(_envelope(request__timestamp="garbage")).encode())),
        ("timestamp is missing", signed(json.dumps(_envelope(request__timestamp=DELETE)).encode())),
        ("timestamp 200 s old", signed(_body(age_seconds=200))),
        ("timestamp an hour ahead", signed(_body(age_seconds=-3600))),
        ("another skill id", signed(_body(skill_id="amzn1.ask.skill.someone-else"))),
        ("no request in the envelope", signed(json.dumps(_envelope(request=DELETE)).encode())),
        ("no context in the envelope", signed(json.dumps(_envelope(context=DELETE)).encode())),
        ("request type is a number", signed(json.dumps(_envelope(request__type=7)).encode())),
        ("body is not JSON", signed(b"this is not json")),
        ("body is empty", signed(b"")),
        ("body is a JSON array", signed(b"[1, 2, 3]")),
        ("body is a JSON string", signed(b'"LaunchRequest"')),
        ("body is nested 100,000 deep", signed(nested)),
        ("body is not UTF-8", signed(b'{"version": "1.0", "x": "\xff\xfe"}')),
        ("body is form-encoded", {**signed(b"version=1.0&request=LaunchRequest"),
                                  "content_type": "application/x-www-form-urlencoded"}),
        ("body over 256 KB, signed", signed(good[:-1] + b', "pad": "' + b"x" * MAX_BODY_BYTES + b'"}')),
        ("body of 30 MB, unsigned", {"body": b"x" * (30 * 1024 * 1024), "signature": "AAAA"}),
    ]
    bad_urls = {
        "http": "http://s3.amazonaws.com/echo.api/echo-api-cert-hamstring-test.pem",
        "other host": "https://s3.evil.example.com/echo.api/echo-api-cert-hamstring-test.pem",
        "host as a prefix": "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert-hamstring-test.pem",
        "port 8443": "https://s3.amazonaws.com:8443/echo.api/echo-api-cert-hamstring-test.pem",
        "port that is no number": "https://s3.amazonaws.com:abc/echo.api/echo-api-cert-hamstring-test.pem",
        "user info": "https://user@s3.amazonaws.com/echo.api/echo-api-cert-hamstring-test.pem",
        "user and password": "https://a:b@s3.amazonaws.com/echo.api/echo-api-cert-hamstring-test.pem",
        "encoded dots": "https://s3.amazonaws.com/echo.api/%2e%2e/invalid/echo-api-cert-hamstring-test.pem",
        "encoded dots, capitals": "https://s3.amazonaws.com/echo.api/%2E%2E/echo.api/echo-api-cert-hamstring-test.pem",
        "encoded slash": "https://s3.amazonaws.com/echo.api%2f..%2finvalid/echo-api-cert-hamstring-test.pem",
        "dot segments out of the folder": "https://s3.amazonaws.com/echo.api/../invalid/echo-api-cert-hamstring-test.pem",
        "other folder": "https://s3.amazonaws.com/invalid/echo-api-cert-hamstring-test.pem",
        "folder in other case": "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert-hamstring-test.pem",
        "backslash": "https://s3.amazonaws.com/echo.api\\..\\invalid/echo-api-cert-hamstring-test.pem",
        "space": "https://s3.amazonaws.com/echo.api/echo api.pem",
        "empty": "",
    }
    for name, url in bad_urls.items():
        rows.append((f"certificate URL: {name}", {**signed(good), "url": url, "serve": "chain"}))
    return rows


GENUINE = {
    "as Alexa sends it": CERT_URL,
    "port 443": "https://s3.amazonaws.com:443/echo.api/echo-api-cert-hamstring-test.pem",
    "scheme and host in capitals": "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert-hamstring-test.pem",
    "dot segments that stay in the folder": "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert-hamstring-test.pem",
}


def _send(client, served_chains, pki, row: dict):
    url = row.get("url", CERT_URL)
    if "serve" in row:
        served_chains[url] = pki[row["serve"]]
    headers = row.get("headers")
    if headers is None:
        headers = {"Signature-256": row["signature"], "SignatureCertChainUrl": url}
    return client.post("/", data=row["body"], content_type=row.get("content_type", "application/json"), headers=headers)


def test_the_forged_request_table(client, served_chains, pki):
    rows = _cases(pki)
    accepted, server_errors, other = [], [], []
    for name, row in rows:
        try:
            status = _send(client, served_chains, pki, row).status_code
        except Exception:                # in testing mode Flask re-raises what would be a 500
            status = 500
        if status < 400:
            accepted.append(name)
        elif status >= 500:
            server_errors.append(name)
        elif status != 400:
            other.append(f"{name}: {status}")
    print(f"\nforged requests: {len(rows)} cases, {len(accepted)} wrongly accepted, "
          f"{len(server_errors)} answered with 5xx, {len(rows) - len(accepted) - len(server_errors) - len(other)} refused with 400")
    assert accepted == [] and server_errors == [] and other == []


@pytest.mark.parametrize("name", sorted(GENUINE))
def test_genuine_requests_in_every_allowed_form_are_answered(client, served_chains, pki, name):
    url = GENUINE[name]
    served_chains[url] = pki["chain"]
    body = _body()
    response = client.post("/", data=body, content_type="application/json",
                           headers={"Signature-256": _sign(body, pki["key"]), "SignatureCertChainUrl": url})
    assert response.status_code == 200
    assert "Welkom" in response.get_json()["response"]["outputSpeech"]["ssml"]


def test_a_large_unsigned_body_is_refused_before_it_is_read(client, caplog):
    """The size is refused on Content-Length: the 30 MB never reach the parser."""
    response = client.post("/", data=b"x" * (30 * 1024 * 1024), content_type="application/json",
                           headers={"Signature-256": base64.b64encode(b"x").decode(), "SignatureCertChainUrl": CERT_URL})
    assert response.status_code == 400
    assert any("larger than" in r.getMessage() for r in caplog.records)
    assert client.fetched == [], "nothing is downloaded for a request refused on its size"


def test_warnings_are_logged_with_time_and_level(tmp_path):
    """Under gunicorn nothing configures logging first: the service does, before its first warning."""
    import os
    import re
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items() if k != "ALEXA_SKILL_ID"}
    env["HAMSTRING_STORE"] = "none"
    result = subprocess.run([sys.executable, "-c", "from skill.adapters.web import create_app; create_app()"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING hamstring\.web: ALEXA_SKILL_ID is not set",
                     result.stderr, re.MULTILINE), result.stderr[-2000:]


def test_the_fast_path_to_the_skill_answers_as_flask_would(client, served_chains, pki, skill, monkeypatch):
    """web.AlexaFirst takes POST / past Flask's request machinery. A genuine request, every row of
    the forged table and a skill that fails get the same status, content type and body both ways."""
    from skill.adapters.web import AlexaFirst

    app = client.application
    fast = app.wsgi_app
    assert isinstance(fast, AlexaFirst)
    forged = _cases(pki)

    def answers(wsgi) -> list:
        app.wsgi_app = wsgi
        body = _body()                  # a new listener each time: the same first answer
        out = []
        for name, row in [("genuine", {"body": body, "signature": _sign(body, pki["key"])})] + forged:
            response = _send(client, served_chains, pki, row)
            out.append((name, response.status_code, response.headers.get("Content-Type"),
                        response.headers.get("Content-Length"), response.get_data()))
        return out

    try:
        through_fast = answers(fast)
        assert through_fast[0][1] == 200 and b'"outputSpeech"' in through_fast[0][4]
        assert through_fast == answers(fast.flask_wsgi)
        # A skill that fails: Flask logs it and answers 500 (in testing mode it raises; both ways).
        monkeypatch.setattr(app, "testing", False)
        monkeypatch.setattr(skill, "invoke", lambda **kwargs: (_ for _ in ()).throw(RuntimeError("broken")))
        failed = []
        for wsgi in (fast, fast.flask_wsgi):
            app.wsgi_app = wsgi
            body = _body()
            response = _send(client, served_chains, pki, {"body": body, "signature": _sign(body, pki["key"])})
            failed.append((response.status_code, response.headers.get("Content-Type"), response.get_data()))
        assert failed[0] == failed[1] and failed[0][0] == 500
    finally:
        app.wsgi_app = fast
