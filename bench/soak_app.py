"""The web service as `make soak` runs it under gunicorn: the real `create_app()`, with one thing
of the test world: the certificate chain at SOAK_CERT_URL is read from SOAK_CHAIN_FILE instead of
being downloaded from S3 (this machine is offline). SSL_CERT_FILE names the local CA that signed
it, so the verifier still checks the chain, the SAN, the signature and the timestamp itself.
"""
from __future__ import annotations

import io
import os

from ask_sdk_webservice_support import verifier

from skill.adapters import web


def create_app():
    url, chain = os.environ["SOAK_CERT_URL"], open(os.environ["SOAK_CHAIN_FILE"], "rb").read()

    def from_disk(requested, *args, **kwargs):
        if requested != url:
            raise ValueError("only the soak's certificate is served")
        return io.BytesIO(chain)

    verifier.urlopen = from_disk
    return web.create_app()
