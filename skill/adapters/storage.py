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


CORRUPT = "corrupt_record"      # what a store returns for a record it cannot read (see voice.memory)


class SqlitePersistenceAdapter(AbstractPersistenceAdapter):
    """One row per Alexa user id, the attributes as JSON.

    Built to fail fast and heal: one connection per process and thread, WAL, a busy timeout of
    1 s (a locked database fails the turn's store operation, not the turn), and when the file or
    its folder vanishes a new one is made on the next operation. A database that cannot be
    written is reported as failed for reads too, so the skill never offers a position that a
    failed write left behind; it is probed again on every read until a write works.
    """

    BUSY_TIMEOUT = 1.0

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._local = threading.local()
        self._read_only = False

    def _open(self) -> sqlite3.Connection:
        """A new connection (tests override this to open the file read-only)."""
        return sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)

    def _identity(self) -> tuple[int, int] | None:
        try:
            status = os.stat(self.path)
        except OSError:
            return None
        return status.st_dev, status.st_ino

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is not None and (local.pid != os.getpid() or local.identity != self._identity()):
            # Forked, or the file was deleted or replaced under us: start again on the current file.
            try:
                connection.close()
            except sqlite3.Error:
                pass
            connection = local.connection = None
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                # The file went away: a write-ahead log left next to it belongs to the old one.
                for suffix in ("-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            connection = self._open()
            try:
                connection.execute(f"PRAGMA busy_timeout = {int(self.BUSY_TIMEOUT * 1000)}")
                try:
                    connection.execute("PRAGMA journal_mode = WAL")
                    connection.execute("PRAGMA synchronous = NORMAL")
                except sqlite3.OperationalError:
                    pass                      # read-only or locked right now: the default journal works too
                connection.execute("CREATE TABLE IF NOT EXISTS attributes (user_id TEXT PRIMARY KEY, data TEXT NOT NULL)")
                self._probe_write(connection)
            except sqlite3.Error:
                connection.close()
                raise
            local.connection, local.pid, local.identity = connection, os.getpid(), self._identity()
        return connection

    def _probe_write(self, connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        try:
            connection.execute(f"PRAGMA user_version = {int(version)}")
            self._read_only = False
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc).replace("-", "").replace(" ", ""):
                raise
            self._read_only = True

    def _run(self, what: str, operation):
        try:
            connection = self._connection()
            if what == "read" and self._read_only:
                self._probe_write(connection)
                if self._read_only:
                    raise PersistenceException("sqlite store is read-only: what it holds may be stale")
            result = operation(connection)
        except sqlite3.Error as exc:
            self._local.connection = None
            if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc).replace(" ", ""):
                self._read_only = True
            raise PersistenceException(f"sqlite {what} failed: {type(exc).__name__}") from exc
        return result

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        user = _user_id(request_envelope)
        row = self._run("read", lambda c: c.execute("SELECT data FROM attributes WHERE user_id = ?", (user,)).fetchone())
        return self._decode(row)

    @staticmethod
    def _decode(row) -> dict[str, Any]:
        if not row:
            return {}
        try:
            data = json.loads(row[0])
        except (TypeError, ValueError):
            return {CORRUPT: True}
        return data if isinstance(data, dict) else {CORRUPT: True}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        user = _user_id(request_envelope)
        data = json.dumps(attributes, sort_keys=True, allow_nan=False)
        self._run("write", lambda c: c.execute("INSERT INTO attributes (user_id, data) VALUES (?, ?) "
                                               "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data", (user, data)))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        user = _user_id(request_envelope)
        self._run("delete", lambda c: c.execute("DELETE FROM attributes WHERE user_id = ?", (user,)))

    def raw(self) -> dict[str, dict[str, Any]]:
        """Everything stored, by user id (for tests and for a data request)."""
        rows = self._run("read", lambda c: c.execute("SELECT user_id, data FROM attributes").fetchall())
        return {user: json.loads(data) for user, data in rows}


# Alexa waits about 8 seconds for an answer, and a cold start can take several of them. A store
# that does not answer fails within about a second: 0.5 s to connect, 0.5 s to read, one retry
# straight away, and then the skill goes on without it for the rest of the session.
DYNAMODB_TIMEOUT = 0.5


def _dynamodb_adapter_class():
    from skill.adapters.retention import expiring_dynamodb_adapter_class   # imports ask_sdk_dynamodb

    class FastDynamoDbAdapter(expiring_dynamodb_adapter_class()):
        """DynamoDbAdapter with one immediate retry (botocore's own retries wait up to a second
        between tries) and a record it cannot read reported as corrupt rather than raised."""

        def _twice(self, operation, *args):
            try:
                return operation(*args)
            except PersistenceException:
                return operation(*args)

        def get_attributes(self, request_envelope):
            attributes = self._twice(super().get_attributes, request_envelope)
            return attributes if isinstance(attributes, dict) else {CORRUPT: True}

        def save_attributes(self, request_envelope, attributes):
            return self._twice(super().save_attributes, request_envelope, attributes)

        def delete_attributes(self, request_envelope):
            return self._twice(super().delete_attributes, request_envelope)

    return FastDynamoDbAdapter


def dynamodb_adapter(table: str, endpoint: str | None = None, create_table: bool = False):
    if endpoint:
        # A local DynamoDB-compatible server still wants a region name; on Lambda the runtime sets it.
        os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    import boto3
    from botocore.config import Config

    adapter_class = _dynamodb_adapter_class()
    if create_table:
        # Creating a table (tests, a first local run) may take seconds: not with the turn's timeouts.
        adapter_class(table_name=table, partition_key_name="id", attribute_name="attributes", create_table=True,
                      dynamodb_resource=boto3.resource("dynamodb", endpoint_url=endpoint))
    config = Config(connect_timeout=DYNAMODB_TIMEOUT, read_timeout=DYNAMODB_TIMEOUT,
                    retries={"mode": "standard", "total_max_attempts": 1})
    resource = boto3.resource("dynamodb", endpoint_url=endpoint, config=config)
    return adapter_class(table_name=table, partition_key_name="id", attribute_name="attributes",
                         create_table=False, dynamodb_resource=resource)


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
