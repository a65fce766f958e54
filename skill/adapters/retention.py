"""Stored records expire: 90 days after the last write, in DynamoDB and in SQLite alike.

  - DynamoDB: every item carries a top-level number attribute `expires_at` (epoch seconds), the
    table's TTL attribute (infrastructure/cfn-deployer/skill-stack.yaml). DynamoDB deletes expired
    items within a few days; until it has, a read treats them as gone.
  - SQLite: a table `expiry` beside `attributes` holds the same moment per user id; every read and
    write first purges what has expired. A row without an expiry (written before this existed)
    gets one, 90 days from the purge that finds it.

The privacy statement (content/privacy.yaml) promises this period; tests/test_retention.py holds
both stores to it.
"""
from __future__ import annotations

import functools
import json
import sqlite3
import time
from typing import Any, Callable

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

from skill.adapters.storage import SqlitePersistenceAdapter, _user_id

RETENTION_DAYS = 90
RETENTION_SECONDS = RETENTION_DAYS * 24 * 3600
TTL_ATTRIBUTE = "expires_at"


def expiry(now: float) -> int:
    return int(now) + RETENTION_SECONDS


class ExpiringSqliteAdapter(SqlitePersistenceAdapter):
    """The SQLite store with the DynamoDB TTL's behaviour: records are purged 90 days after the last write.

    A turn costs one SELECT and, when something changed, two upserts: a read leaves out what has
    expired (as DynamoDB's does before its sweep), and the purge that deletes it runs on a
    connection's first operation and then at most once every PURGE_EVERY seconds."""

    PURGE_EVERY = 3600

    def __init__(self, path, clock: Callable[[], float] = time.time):
        super().__init__(path)
        self.clock = clock

    def _purge(self, connection: sqlite3.Connection) -> None:
        now = int(self.clock())
        connection.execute("CREATE TABLE IF NOT EXISTS expiry (user_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)")
        connection.execute("INSERT INTO expiry (user_id, expires_at) SELECT user_id, ? FROM attributes "
                           "WHERE user_id NOT IN (SELECT user_id FROM expiry)", (expiry(now),))
        connection.execute("DELETE FROM attributes WHERE user_id IN (SELECT user_id FROM expiry WHERE expires_at <= ?)", (now,))
        connection.execute("DELETE FROM expiry WHERE expires_at <= ? OR user_id NOT IN (SELECT user_id FROM attributes)", (now,))

    def _run(self, what: str, operation, purge: bool = False):
        """Purges what expired first, in the same connection, when one is due (or asked for)."""
        def purged(connection: sqlite3.Connection):
            local = self._local
            now = self.clock()
            if purge or getattr(local, "purged", None) is not connection or now - local.purged_at >= self.PURGE_EVERY:
                self._purge(connection)
                local.purged, local.purged_at = connection, now
            return operation(connection)
        return super()._run(what, purged)

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        user = _user_id(request_envelope)
        row = self._run("read", lambda c: c.execute(
            "SELECT a.data FROM attributes a LEFT JOIN expiry e ON e.user_id = a.user_id "
            "WHERE a.user_id = ? AND (e.expires_at IS NULL OR e.expires_at > ?)", (user, int(self.clock()))).fetchone())
        return self._decode(row)

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        super().save_attributes(request_envelope, attributes)
        user = _user_id(request_envelope)
        self._run("write", lambda c: c.execute("INSERT INTO expiry (user_id, expires_at) VALUES (?, ?) "
                                               "ON CONFLICT(user_id) DO UPDATE SET expires_at = excluded.expires_at",
                                               (user, expiry(self.clock()))))

    def raw(self) -> dict[str, dict[str, Any]]:
        self._run("read", lambda c: None, purge=True)
        return super().raw()

    def expiries(self) -> dict[str, int]:
        """Each stored user id with the moment its record expires (for tests and a data request)."""
        return dict(self._run("read", lambda c: c.execute("SELECT user_id, expires_at FROM expiry").fetchall(), purge=True))


@functools.cache
def expiring_dynamodb_adapter_class():
    """Built on first use: ask_sdk_dynamodb creates a boto3 resource when imported, and the web
    service (SQLite) need not have it installed."""
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter

    class ExpiringDynamoDbAdapter(DynamoDbAdapter):
        """The ASK SDK's DynamoDB adapter, writing the TTL attribute with every item."""

        def __init__(self, *args, clock: Callable[[], float] = time.time, **kwargs):
            super().__init__(*args, **kwargs)
            self.clock = clock

        def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
            try:
                response = self.dynamodb.Table(self.table_name).get_item(
                    Key={self.partition_key_name: self.partition_keygen(request_envelope)}, ConsistentRead=True)
            except Exception as exc:
                raise PersistenceException(f"dynamodb read failed: {type(exc).__name__}") from exc
            item = response.get("Item")
            if not item:
                return {}
            expires = item.get(TTL_ATTRIBUTE)
            if expires is not None and int(expires) <= self.clock():
                return {}                        # expired; DynamoDB's TTL sweep has not reached it yet
            return item.get(self.attribute_name, {})

        def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
            try:
                self.dynamodb.Table(self.table_name).put_item(Item={
                    self.partition_key_name: self.partition_keygen(request_envelope),
                    self.attribute_name: attributes,
                    TTL_ATTRIBUTE: expiry(self.clock()),
                })
            except Exception as exc:
                raise PersistenceException(f"dynamodb write failed: {type(exc).__name__}") from exc

    return ExpiringDynamoDbAdapter
