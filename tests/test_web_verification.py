"""Alexa request verification through the real Flask endpoint, with verification on.

Requests are signed with a locally generated CA and leaf certificate (SAN echo-api.amazon.com).
Only the trust root is substituted: the CA is put in a bundle named by SSL_CERT_FILE, which is
where oscrypto (and so certvalidator) looks for the system's roots. Because this machine is
offline, the download of the certificate chain from S3 is answered locally; the verifier still
checks the chain URL first, then validates the chain to the root, the SAN, expiry, the SHA-256
signature of the body and the timestamp, all with flask-ask-sdk's own code.
"""
from __future__ import annotations

import base64
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from skill.adapters.simulator.session import Simulator
from skill.adapters.web import create_app

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-hamstring-test.pem"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_usage(signs_requests: bool) -> x509.KeyUsage:
    """A leaf signs requests (digital signature); a CA signs certificates."""
    return x509.KeyUsage(digital_signature=signs_requests, content_commitment=False, key_encipherment=signs_requests,
                         data_encipherment=False, key_agreement=False, key_cert_sign=not signs_requests,
                         crl_sign=not signs_requests, encipher_only=False, decipher_only=False)


def _certificate(subject: str, issuer: x509.Name | None, issuer_key, now: datetime, extensions):
    """A month-valid certificate for a fresh key; self-signed when there is no issuer."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject)).issuer_name(issuer or _name(subject))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30)))
    for extension, critical in extensions(key):
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer_key or key, hashes.SHA256()), key


def _make_ca(common_name: str, now: datetime):
    return _certificate(common_name, None, None, now, lambda key: [
        (x509.BasicConstraints(ca=True, path_length=None), True),
        (_key_usage(signs_requests=False), True),
        (x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)])


def _make_leaf(ca, ca_key, now: datetime, san: str = "echo-api.amazon.com"):
    return _certificate(san, ca.subject, ca_key, now, lambda key: [
        (x509.SubjectAlternativeName([x509.DNSName(san)]), False),
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(signs_requests=True), True),
        (x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False)])


def _leaf_without_san(ca, ca_key, now: datetime):
    return _certificate("echo-api.amazon.com", ca.subject, ca_key, now, lambda key: [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(signs_requests=True), True)])


def _pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    now = datetime.now(timezone.utc)
    ca, ca_key = _make_ca("Hamstring Hulp test root", now)
    leaf, leaf_key = _make_leaf(ca, ca_key, now)
    wrong_san, wrong_san_key = _make_leaf(ca, ca_key, now, san="example.org")
    bare, bare_key = _leaf_without_san(ca, ca_key, now)
    # An impostor: the same kind of chain, but from a root nobody trusts.
    rogue_ca, rogue_ca_key = _make_ca("Rogue root", now)
    rogue, rogue_key = _make_leaf(rogue_ca, rogue_ca_key, now)
    bundle = tmp_path_factory.mktemp("trust") / "roots.pem"
    bundle.write_bytes(_pem(ca))
    return {"bundle": bundle, "chain": _pem(leaf) + _pem(ca), "key": leaf_key,
            "rogue_chain": _pem(rogue) + _pem(rogue_ca), "rogue_key": rogue_key,
            "wrong_san_chain": _pem(wrong_san) + _pem(ca), "wrong_san_key": wrong_san_key,
            "no_san_chain": _pem(bare) + _pem(ca), "no_san_key": bare_key,
            "garbage_chain": b"-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----\n"}


@pytest.fixture
def served_chains(pki):
    """What the stand-in for S3 serves, by URL. Tests may add more."""
    return {CERT_URL: pki["chain"]}


@pytest.fixture
def client(pki, served_chains, monkeypatch, skill):
    from oscrypto import trust_list

    from ask_sdk_webservice_support import verifier

    monkeypatch.setenv("SSL_CERT_FILE", str(pki["bundle"]))
    trust_list.clear_cache()

    fetched = []

    def s3(url, *args, **kwargs):
        fetched.append(url)
        if url not in served_chains:
            raise ValueError(f"nothing stored at {url}")
        return io.BytesIO(served_chains[url])

    monkeypatch.setattr(verifier, "urlopen", s3)

    app = create_app(skill, skill_id=SKILL_ID)
    app.testing = True
    with app.test_client() as test_client:
        test_client.fetched = fetched
        yield test_client
    trust_list.clear_cache()


def _body(skill_id: str = SKILL_ID, age_seconds: float = 0) -> bytes:
    simulator = Simulator(skill=None, nlu=None, skill_id=skill_id)   # only used to build the envelope
    simulator._new_session()
    envelope = simulator.envelope({"type": "LaunchRequest"})
    stamp = datetime.now(timezone.utc) - timedelta(seconds=age_seconds)
    envelope["request"]["timestamp"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(envelope).encode("utf-8")


def _sign(body: bytes, key) -> str:
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def _post(client, body: bytes, signature: str, cert_url: str = CERT_URL):
    return client.post("/", data=body, content_type="application/json",
                       headers={"Signature-256": signature, "SignatureCertChainUrl": cert_url})


def _rejected(caplog, response, reason: str) -> bool:
    """The request was refused with 400, by a verifier, for the stated reason."""
    assert response.status_code == 400
    assert caplog.records, "the refusal is logged"
    assert all(r.exc_info is None for r in caplog.records), "tracebacks reach the log"
    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Request verification failed")]
    assert any(reason in message for message in refusals), f"rejected for another reason: {refusals!r}"
    return True


def test_a_correctly_signed_request_is_answered(client, pki):
    body = _body()
    response = _post(client, body, _sign(body, pki["key"]))
    assert response.status_code == 200
    speech = response.get_json()["response"]["outputSpeech"]["ssml"]
    assert "Welkom bij Hamstring Hulp" in speech
    assert client.fetched == [CERT_URL]


def test_a_tampered_body_is_rejected(client, pki, caplog):
    body = _body()
    signature = _sign(body, pki["key"])
    tampered = body.replace(b'"LaunchRequest"', b'"SessionEndedRequest"')
    assert tampered != body
    assert _rejected(caplog, _post(client, tampered, signature), "Request body is not valid")


def test_a_request_without_signature_is_rejected(client, caplog):
    body = _body()
    response = client.post("/", data=body, content_type="application/json")
    assert _rejected(caplog, response, "Missing Signature")


@pytest.mark.parametrize("bad_url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert-hamstring-test.pem",          # not https
    "https://s3.evil.example.com/echo.api/echo-api-cert-hamstring-test.pem",     # other host
    "https://s3.amazonaws.com:8443/echo.api/echo-api-cert-hamstring-test.pem",   # other port
    "https://s3.amazonaws.com/echo.api/../invalid/echo-api-cert-hamstring-test.pem",  # .. in the path
    "https://s3.amazonaws.com/invalid/echo-api-cert-hamstring-test.pem",         # other path
])
def test_certificate_urls_outside_alexas_bucket_are_rejected(client, pki, served_chains, bad_url, caplog):
    served_chains[bad_url] = pki["chain"]     # even if something were served there
    body = _body()
    assert _rejected(caplog, _post(client, body, _sign(body, pki["key"]), bad_url), "Signature Certificate URL has invalid")
    assert bad_url not in client.fetched, "the URL must be refused before anything is downloaded"


def test_a_port_443_url_in_the_bucket_is_accepted(client, pki, served_chains):
    url = "https://s3.amazonaws.com:443/echo.api/echo-api-cert-hamstring-test.pem"
    served_chains[url] = pki["chain"]
    body = _body()
    assert _post(client, body, _sign(body, pki["key"]), url).status_code == 200


def test_a_certificate_from_an_untrusted_root_is_rejected(client, pki, served_chains, caplog):
    url = "https://s3.amazonaws.com/echo.api/rogue.pem"
    served_chains[url] = pki["rogue_chain"]
    body = _body()
    assert _rejected(caplog, _post(client, body, _sign(body, pki["rogue_key"]), url), "Certificate chain is not valid")


def test_a_certificate_for_another_domain_is_rejected(client, pki, served_chains, caplog):
    url = "https://s3.amazonaws.com/echo.api/other-domain.pem"
    served_chains[url] = pki["wrong_san_chain"]
    body = _body()
    assert _rejected(caplog, _post(client, body, _sign(body, pki["wrong_san_key"]), url), "domain missing")


def test_a_signature_by_another_key_is_rejected(client, pki, caplog):
    body = _body()
    assert _rejected(caplog, _post(client, body, _sign(body, pki["rogue_key"])), "Request body is not valid")


def test_a_request_older_than_150_seconds_is_rejected(client, pki, caplog):
    body = _body(age_seconds=200)
    assert _rejected(caplog, _post(client, body, _sign(body, pki["key"])), "Timestamp verification failed")


def test_a_request_within_150_seconds_is_answered(client, pki):
    body = _body(age_seconds=100)
    assert _post(client, body, _sign(body, pki["key"])).status_code == 200


def test_a_request_for_another_skill_is_rejected(client, pki, caplog):
    body = _body(skill_id="amzn1.ask.skill.someone-else")
    assert _rejected(caplog, _post(client, body, _sign(body, pki["key"])), "another skill id")


def test_health_answers_200(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_get_on_the_skill_endpoint_is_not_allowed(client):
    assert client.get("/").status_code == 405


def test_verification_is_on_without_any_configuration(skill):
    from flask_ask_sdk.skill_adapter import EXTENSION_NAME
    from ask_sdk_webservice_support.verifier import RequestVerifier, TimestampVerifier

    app = create_app(skill, skill_id=SKILL_ID)
    adapter = app.extensions[EXTENSION_NAME][SKILL_ID]
    verifiers = adapter._webservice_handler._verifiers
    assert any(isinstance(v, RequestVerifier) for v in verifiers)
    assert any(type(v) is TimestampVerifier for v in verifiers)


def test_missing_skill_id_is_warned_about_at_start(skill, caplog, monkeypatch):
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
    with caplog.at_level("WARNING", logger="hamstring.web"):
        create_app(skill)
    assert any("ALEXA_SKILL_ID" in record.getMessage() for record in caplog.records)


# ---------------------------------------------------------------- validated chains, kept per worker

def _signature_verifier(client):
    from flask_ask_sdk.skill_adapter import EXTENSION_NAME

    from skill.adapters.web import CachingRequestVerifier
    adapter = client.application.extensions[EXTENSION_NAME][SKILL_ID]
    return next(v for v in adapter._webservice_handler._verifiers if isinstance(v, CachingRequestVerifier))


@pytest.fixture
def validations(monkeypatch):
    """How often certvalidator validated a chain."""
    from ask_sdk_webservice_support import verifier

    calls = []
    real = verifier.CertificateValidator

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(verifier, "CertificateValidator", counting)
    return calls


def _ok(client, pki, **body) -> bool:
    data = _body(**body)
    return _post(client, data, _sign(data, pki["key"])).status_code == 200


def test_a_chain_is_downloaded_and_validated_once_then_kept(client, pki, validations):
    assert all(_ok(client, pki) for _ in range(3))
    assert client.fetched == [CERT_URL] and len(validations) == 1
    assert _signature_verifier(client).cached_urls() == [CERT_URL]


def test_a_kept_chain_is_refused_once_its_certificate_has_expired(client, pki, validations, caplog):
    assert _ok(client, pki)
    verifier = _signature_verifier(client)
    verifier._wall_clock = lambda: datetime.now(timezone.utc) + timedelta(days=31)   # the leaf is valid 30 days
    body = _body()
    assert _rejected(caplog, _post(client, body, _sign(body, pki["key"])), "Signing Certificate expired")
    assert len(validations) == 1, "refused on the kept chain, by the check every request gets"


def test_a_kept_chain_does_not_let_a_wrong_signature_or_an_old_request_through(client, pki, validations, caplog):
    assert _ok(client, pki)
    body = _body()
    assert _rejected(caplog, _post(client, body, _sign(body, pki["rogue_key"])), "Request body is not valid")
    tampered = body.replace(b'"LaunchRequest"', b'"SessionEndedRequest"')
    assert _rejected(caplog, _post(client, tampered, _sign(body, pki["key"])), "Request body is not valid")
    old = _body(age_seconds=200)
    assert _rejected(caplog, _post(client, old, _sign(old, pki["key"])), "Timestamp verification failed")
    assert len(validations) == 1 and _ok(client, pki)


def test_a_kept_chain_without_alexas_name_is_refused_every_time(client, pki, served_chains, validations, caplog):
    url = "https://s3.amazonaws.com/echo.api/other-domain.pem"
    served_chains[url] = pki["wrong_san_chain"]
    for _ in range(2):
        body = _body()
        assert _rejected(caplog, _post(client, body, _sign(body, pki["wrong_san_key"]), url), "domain missing")
    assert client.fetched == [url] and len(validations) == 1, "the second refusal came from the kept chain"


def test_kept_chains_expire_and_are_bounded(client, pki, served_chains, validations):
    verifier = _signature_verifier(client)
    now = [1000.0]
    verifier._clock = lambda: now[0]
    assert _ok(client, pki)
    now[0] += verifier.TTL_SECONDS + 1                       # past the time to live: validated again
    assert _ok(client, pki)
    assert len(validations) == 2 and client.fetched == [CERT_URL, CERT_URL]
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{i}.pem" for i in range(verifier.MAX_CHAINS + 1)]
    for url in urls:
        served_chains[url] = pki["chain"]
        body = _body()
        assert _post(client, body, _sign(body, pki["key"]), url).status_code == 200
    assert len(verifier.cached_urls()) == verifier.MAX_CHAINS
    assert CERT_URL not in verifier.cached_urls() and urls[-1] in verifier.cached_urls()


def test_requests_that_arrive_together_share_one_validation(client, pki, validations):
    """gunicorn runs each worker in threads (gunicorn.conf.py). certvalidator is not safe for two
    validations at once (they can fail inside asn1crypto), so the first requests of a worker, arriving
    together, wait for one validation and then all use the kept chain."""
    import threading

    verifier = _signature_verifier(client)
    bodies = [_body() for _ in range(6)]
    for round_ in range(5):
        verifier._chains.clear()
        start = threading.Barrier(len(bodies))
        statuses = []

        def send(body):
            start.wait()
            with client.application.test_client() as own:
                statuses.append(_post(own, body, _sign(body, pki["key"])).status_code)

        threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [200] * len(bodies)
        assert len(validations) == round_ + 1, "one validation for the requests that came together"
