"""The floor `make bench` measures Hamstring Hulp against: the smallest skill on the same ASK SDK.

"Hallo" to a launch and to every intent, nothing to a session end. For the coach's "verder" it
does what the coach's storage does, and no more: read the listener's record and write it back,
through the ASK SDK's persistence interface, to the same kind of store:
  - SQLite: one connection per process, WAL, synchronous=NORMAL, one SELECT and one upsert;
  - DynamoDB: the ASK SDK's own DynamoDbAdapter (one GetItem, one PutItem).
At a launch it reads the record too, as the project does (has the disclaimer been heard?).

`handler` is a Lambda entry point, configured like the project's: MINIMAL_STORE=sqlite:PATH,
dynamodb:TABLE (HAMSTRING_DYNAMODB_ENDPOINT) or none.
"""
from __future__ import annotations

import json
import os
import sqlite3

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import RequestEnvelope


class MinimalSqliteAdapter(AbstractPersistenceAdapter):
    def __init__(self, path):
        self.connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute("PRAGMA synchronous = NORMAL")
        self.connection.execute("CREATE TABLE IF NOT EXISTS attributes (user_id TEXT PRIMARY KEY, data TEXT NOT NULL)")

    def get_attributes(self, request_envelope):
        row = self.connection.execute("SELECT data FROM attributes WHERE user_id = ?",
                                      (request_envelope.context.system.user.user_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def save_attributes(self, request_envelope, attributes):
        self.connection.execute("INSERT INTO attributes (user_id, data) VALUES (?, ?) ON CONFLICT(user_id) "
                                "DO UPDATE SET data = excluded.data",
                                (request_envelope.context.system.user.user_id, json.dumps(attributes)))

    def delete_attributes(self, request_envelope):
        self.connection.execute("DELETE FROM attributes WHERE user_id = ?", (request_envelope.context.system.user.user_id,))


class Launch(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        if handler_input.attributes_manager._persistence_adapter is not None:
            handler_input.attributes_manager.persistent_attributes.get("disclaimer_heard")
        return handler_input.response_builder.speak("Hallo!").ask("Hallo?").response


class Next(AbstractRequestHandler):
    """The coach's "verder": one read and one write of the listener's record."""

    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.NextIntent")(handler_input)

    def handle(self, handler_input):
        manager = handler_input.attributes_manager
        if manager._persistence_adapter is not None:
            attributes = manager.persistent_attributes
            attributes["coach"] = {"routine": "warmup", "block": 1, "exercise": 0}
            manager.save_persistent_attributes()
        return handler_input.response_builder.speak("Hallo!").ask("Hallo?").response


class AnyIntent(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Hallo!").ask("Hallo?").response


class SessionEnded(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.response


def build(persistence_adapter=None):
    builder = CustomSkillBuilder(persistence_adapter=persistence_adapter)
    for handler in (Launch(), Next(), AnyIntent(), SessionEnded()):
        builder.add_request_handler(handler)
    return builder.create()


def store_from_environment():
    kind, _, target = os.environ.get("MINIMAL_STORE", "none").partition(":")
    if kind == "sqlite":
        return MinimalSqliteAdapter(target)
    if kind == "dynamodb":
        import boto3
        from ask_sdk_dynamodb.adapter import DynamoDbAdapter
        resource = boto3.resource("dynamodb", endpoint_url=os.environ.get("HAMSTRING_DYNAMODB_ENDPOINT") or None)
        return DynamoDbAdapter(table_name=target, partition_key_name="id", attribute_name="attributes",
                               dynamodb_resource=resource)
    return None


_skill = None


def handler(event, context):
    global _skill
    if _skill is None:
        _skill = build(store_from_environment())
    envelope = _skill.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    return _skill.serializer.serialize(_skill.invoke(request_envelope=envelope, context=context))
