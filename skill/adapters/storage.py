"""Where the coach remembers a listener's place between sessions, chosen by configuration.

Both stores implement the ASK SDK's persistence adapter interface, so the skill only sees
`handler_input.attributes_manager.persistent_attributes`:
  - SQLite (standard library), the default for `make run` and `make chat`;
  - DynamoDB (ask-sdk-dynamodb-persistence-adapter), the default on AWS Lambda.

`HAMSTRING_STORE` chooses: `sqlite:PATH`, `dynamodb:TABLE` or `none`. Without it: DynamoDB table
`HAMSTRING_TABLE` (default "hamstring-hulp") on Lambda, else `var/hamstring-hulp.sqlite` in the
repository. `HAMSTRING_DYNAMODB_ENDPOINT` points DynamoDB elsewhere (tests use a local server).

What is stored is decided by the voice layer (skill.voice.memory): a warm-up or cooling-down
position and whether the disclaimer was heard. Never anything from the triage. Records expire 90
days after the last write (skill.adapters.retention: DynamoDB TTL, the same purge in SQLite).
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill import paths

DEFAULT_SQLITE = paths.ROOT / "var" / "hamstring-hulp.sqlite"
DEFAULT_TABLE = "hamstring-hulp"


def _user_id(request_envelope: RequestEnvelope) -> str:
    try:
        return request_envelope.context.system.user.user_id
    except AttributeError as exc:
        raise PersistenceException("request has no user id") from exc


class SqlitePersistenceAdapter(AbstractPersistenceAdapter):
    """One row per Alexa user id, the attributes as JSON."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._ready = False

    @contextmanager
    def _connect(self):
        """One connection per call, committed and closed at the end."""
        with closing(sqlite3.connect(self.path, timeout=5)) as connection, connection:
            if not self._ready:
                connection.execute("CREATE TABLE IF NOT EXISTS attributes (user_id TEXT PRIMARY KEY, data TEXT NOT NULL)")
                self._ready = True
            yield connection

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        try:
            with self._lock, self._connect() as connection:
                row = connection.execute("SELECT data FROM attributes WHERE user_id = ?",
                                         (_user_id(request_envelope),)).fetchone()
        except sqlite3.Error as exc:
            raise PersistenceException(f"sqlite read failed: {type(exc).__name__}") from exc
        return json.loads(row[0]) if row else {}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        try:
            with self._lock, self._connect() as connection:
                connection.execute("INSERT INTO attributes (user_id, data) VALUES (?, ?) "
                                   "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data",
                                   (_user_id(request_envelope), json.dumps(attributes, sort_keys=True)))
        except sqlite3.Error as exc:
            raise PersistenceException(f"sqlite write failed: {type(exc).__name__}") from exc

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        try:
            with self._lock, self._connect() as connection:
                connection.execute("DELETE FROM attributes WHERE user_id = ?", (_user_id(request_envelope),))
        except sqlite3.Error as exc:
            raise PersistenceException(f"sqlite delete failed: {type(exc).__name__}") from exc

    def raw(self) -> dict[str, dict[str, Any]]:
        """Everything stored, by user id (for tests and for a data request)."""
        with self._lock, self._connect() as connection:
            return {user: json.loads(data) for user, data in connection.execute("SELECT user_id, data FROM attributes")}


def dynamodb_adapter(table: str, endpoint: str | None = None, create_table: bool = False):
    if endpoint:
        # A local DynamoDB-compatible server still wants a region name; on Lambda the runtime sets it.
        os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    import boto3
    from botocore.config import Config

    from skill.adapters.retention import expiring_dynamodb_adapter_class   # imports ask_sdk_dynamodb

    # Alexa waits about 8 seconds for an answer; a slow store must fail fast so the coach goes on.
    config = Config(connect_timeout=1, read_timeout=2, retries={"max_attempts": 2})
    resource = boto3.resource("dynamodb", endpoint_url=endpoint, config=config)
    return expiring_dynamodb_adapter_class()(table_name=table, partition_key_name="id", attribute_name="attributes",
                                             create_table=create_table, dynamodb_resource=resource)


def adapter_from_environment(environ: dict[str, str] | None = None):
    """The configured persistence adapter, or None when storing is switched off."""
    environ = dict(os.environ if environ is None else environ)
    choice = environ.get("HAMSTRING_STORE", "").strip()
    if not choice:
        if environ.get("AWS_LAMBDA_FUNCTION_NAME"):
            choice = "dynamodb:" + environ.get("HAMSTRING_TABLE", DEFAULT_TABLE)
        else:
            choice = f"sqlite:{DEFAULT_SQLITE}"
    kind, _, target = choice.partition(":")
    if kind == "none":
        return None
    if kind == "sqlite":
        path = Path(target or DEFAULT_SQLITE)
        path.parent.mkdir(parents=True, exist_ok=True)
        from skill.adapters.retention import ExpiringSqliteAdapter
        return ExpiringSqliteAdapter(path)
    if kind == "dynamodb":
        return dynamodb_adapter(target or DEFAULT_TABLE, environ.get("HAMSTRING_DYNAMODB_ENDPOINT") or None)
    raise ValueError(f"HAMSTRING_STORE must be sqlite:PATH, dynamodb:TABLE or none, not {choice!r}")
