"""The ASK SDK's DefaultSerializer, with its walk over the model classes worked out once per type.

`DefaultSerializer.deserialize` reads each model class's type strings (`'list[ask_sdk_model.slot.Slot]'`),
imports the class by name, merges its attribute map and parses the timestamp with dateutil's general
parser, for every field of every request. That was about half of a turn's time. `FastSerializer` does
the same walk from a plan made once per type, and gives the same result:

- the same model objects, with the same attributes set (unknown keys too, as the SDK sets them), the
  same discriminator subclasses and enums; the SDK's own code for every case the plan does not cover
  (a value of an unexpected JSON type, a list of mixed types, a `date`, a timestamp in another form);
- Alexa's timestamps (`2026-11-30T08:15:00Z`, optionally with fractions of a second) become the same
  datetime dateutil makes, with the same `tzutc()`; anything else goes to dateutil;
- on any error the SDK's own serializer runs again, so a bad request fails exactly as before.

`serialize` keeps the SDK's order of keys and its rules (None left out, enums as their value, dates
in ISO form). tests/test_serializer.py holds both directions equal to the SDK's on recorded and
generated envelopes and responses.
"""
from __future__ import annotations

import copy
import datetime as _dt
import decimal
import json
import re
from enum import Enum
from typing import Any, Callable

from ask_sdk_core.serialize import DefaultSerializer

_TIMESTAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?Z\Z")
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")


class FastSerializer(DefaultSerializer):
    """DefaultSerializer with per-type plans; same results (see the module's docstring)."""

    def __init__(self) -> None:
        self._readers: dict[Any, Callable[[Any], Any]] = {}
        self._classes: dict[str, type] = {}
        self._writers: dict[type, Callable[[Any], Any]] = {}
        self._utc = None

    # ------------------------------------------------------------ deserialize

    def deserialize(self, payload, obj_type):
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except Exception:
            return super().deserialize(payload, obj_type)     # the SDK's own error
        try:
            return self._reader(obj_type)(data)
        except Exception:
            # Whatever the plan trips over, the SDK's walk decides: the same result or the same error.
            return super().deserialize(payload, obj_type)

    def deserialize_parsed(self, data, obj_type, payload: str):
        """`deserialize(payload, obj_type)` for a payload already parsed into `data` (the web service
        parses the body once, to refuse what is not a JSON object before anything else)."""
        try:
            return self._reader(obj_type)(data)
        except Exception:
            return super().deserialize(payload, obj_type)

    def _generic(self, obj_type) -> Callable[[Any], Any]:
        """The SDK's own walk for this type (its private method, reached by its mangled name)."""
        walk = self._DefaultSerializer__deserialize
        return lambda value: walk(value, obj_type)

    def _reader(self, obj_type) -> Callable[[Any], Any]:
        reader = self._readers.get(obj_type)
        if reader is None:
            reader = self._readers[obj_type] = self._make_reader(obj_type)
        return reader

    def _make_reader(self, obj_type) -> Callable[[Any], Any]:
        generic = self._generic(obj_type)
        if isinstance(obj_type, str):
            if obj_type.startswith("list["):
                match = _LIST.match(obj_type)
                if match is None or "," in match.group(1):
                    return generic
                item = self._lazy_reader(match.group(1).strip())
                return lambda value: None if value is None else (
                    [item(v) for v in value] if type(value) is list else generic(value))
            if obj_type.startswith("dict("):
                match = _DICT.match(obj_type)
                if match is None:
                    return generic
                if match.group(2) == "object":        # JSON data as it came: the session attributes
                    return lambda value: None if value is None else (
                        _JsonObject(value) if type(value) is dict else generic(value))
                item = self._lazy_reader(match.group(2))
                return lambda value: None if value is None else (
                    {k: item(v) for k, v in value.items()} if type(value) is dict else generic(value))
            if obj_type in self.NATIVE_TYPES_MAPPING:
                obj_type = self.NATIVE_TYPES_MAPPING[obj_type]
            else:
                obj_type = self._load_class(obj_type)
        if obj_type is str:
            return lambda value: value if type(value) is str else generic(value)
        if obj_type in (bool, int, float):
            return lambda value: value if type(value) is obj_type else generic(value)
        if obj_type is object:
            return lambda value: value
        if obj_type is _dt.datetime:
            return self._read_timestamp
        if obj_type in self.PRIMITIVE_TYPES or obj_type is _dt.date:
            return generic
        return self._model_reader(obj_type, generic)

    def _lazy_reader(self, obj_type: str) -> Callable[[Any], Any]:
        """A reader made on first use: model classes refer to each other, even in cycles."""
        made: list = []

        def read(value):
            if not made:
                made.append(self._reader(obj_type))
            return made[0](value)
        return read

    def _load_class(self, name: str) -> type:
        cls = self._classes.get(name)
        if cls is None:
            cls = self._classes[name] = self._DefaultSerializer__load_class_from_name(name)
        return cls

    def _model_reader(self, cls, generic) -> Callable[[Any], Any]:
        if issubclass(cls, Enum):
            return lambda value: None if value is None else cls(value)   # an unknown value: the SDK's error
        if not hasattr(cls, "deserialized_types"):
            return lambda value: value
        if hasattr(cls, "get_real_child_model"):
            by_name: dict[str, Callable[[Any], Any]] = {}

            def read_by_discriminator(value):
                if type(value) is not dict:
                    return generic(value)
                name = cls.get_real_child_model(value)
                if not name:
                    return generic(value)
                reader = by_name.get(name)
                if reader is None:
                    reader = by_name[name] = self._fields_reader(self._load_class(name), generic)
                return reader(value)
            return read_by_discriminator
        return self._fields_reader(cls, generic)

    def _fields_reader(self, cls, generic) -> Callable[[Any], Any]:
        """The SDK's model walk: each known key read by its field's type, then every unknown key set
        as it is (after the known ones, as the SDK does)."""
        key = ("fields", cls)
        reader = self._readers.get(key)
        if reader is not None:
            return reader
        types = cls.deserialized_types
        names = dict(getattr(cls, "attribute_map", {}))
        names.update({k: k for k in types if k not in names})
        fields = {json_key: (attribute, types[attribute]) for attribute, json_key in names.items()}
        if len(fields) != len(names):          # one JSON key for two attributes: the SDK's walk sets both
            self._readers[key] = generic
            return generic
        readers: dict[str, tuple[str, Callable[[Any], Any]]] = {}   # made when a key first occurs, as the
        # SDK imports a field's class only when a payload has it (most of the model is never imported)
        new = _maker(cls)

        def read(value):
            if type(value) is not dict:
                return generic(value)
            model = new()
            extras = None
            for json_key, item in value.items():
                field = readers.get(json_key)
                if field is None:
                    spec = fields.get(json_key)
                    if spec is None:
                        extras = [json_key] if extras is None else extras + [json_key]
                        continue
                    field = readers[json_key] = (spec[0], self._reader(spec[1]))
                setattr(model, field[0], field[1](item))
            if extras:
                for extra in extras:
                    setattr(model, extra, value[extra])
            return model

        self._readers[key] = read
        return read

    def _read_timestamp(self, value):
        if value is None:
            return None
        zone = self._utc if self._utc is not None else self._timestamp_zone()
        match = _TIMESTAMP.match(value) if zone is not False and type(value) is str else None
        if match is None:
            return self._DefaultSerializer__deserialize_datetime(value, _dt.datetime)
        return _timestamp(match, zone)

    def _timestamp_zone(self):
        """The time zone dateutil gives an Alexa timestamp ("...Z") in this process: tzutc(), or
        tzlocal() where the local zone is called UTC (as on Lambda). False: leave it to dateutil.
        Checked against dateutil itself on a winter and a summer timestamp."""
        import time

        from dateutil import tz
        from dateutil.parser import parse

        zone = tz.UTC if "UTC" not in time.tzname else tz.tzlocal() if set(time.tzname) == {"UTC"} else False
        if zone is not False:
            for sample in ("2026-01-15T08:30:00Z", "2026-07-15T23:59:59.25Z"):
                expected, made = parse(sample), _timestamp(_TIMESTAMP.match(sample), zone)
                if repr(expected) != repr(made) or expected != made or expected.fold != made.fold:
                    zone = False
        self._utc = zone
        return zone

    # ------------------------------------------------------------ serialize

    def serialize(self, obj):
        writer = self._writers.get(type(obj))
        if writer is None:
            writer = self._make_writer(obj)
        return writer(obj)

    def _copy_plain(self, value):
        """A list or dict, copied with every value written: plain JSON values as they are (what the
        SDK's rules give them), anything else by those rules."""
        if type(value) is dict:
            return {k: (v if type(v) in _PLAIN else self._copy_plain(v) if type(v) in (dict, list) else self.serialize(v))
                    for k, v in value.items()}
        return [v if type(v) in _PLAIN else self._copy_plain(v) if type(v) in (dict, list) else self.serialize(v)
                for v in value]

    def _make_writer(self, obj) -> Callable[[Any], Any]:
        """The SDK's rules in the SDK's order, decided once per type."""
        kind = type(obj)
        serialize = self.serialize
        if obj is None or isinstance(obj, self.PRIMITIVE_TYPES):
            writer = _same
        elif kind is list or kind is dict:
            writer = self._copy_plain                        # JSON data (session attributes): copied as the SDK does
        elif isinstance(obj, list):
            writer = lambda value: [serialize(v) for v in value]
        elif isinstance(obj, tuple):
            writer = lambda value: tuple(serialize(v) for v in value)
        elif isinstance(obj, (_dt.datetime, _dt.date)):
            writer = lambda value: value.isoformat()
        elif isinstance(obj, Enum):
            writer = lambda value: value.value
        elif isinstance(obj, decimal.Decimal):
            writer = super().serialize
        elif isinstance(obj, dict):
            writer = lambda value: {k: serialize(v) for k, v in value.items()}
        else:
            types = getattr(kind, "deserialized_types", None)
            if not isinstance(types, dict):
                return super().serialize                     # not a model class: the SDK decides each time
            names = dict(getattr(kind, "attribute_map", {}))
            names.update({k: k for k in types if k not in names})
            fields = [(attribute, names[attribute]) for attribute in types]

            def writer(value):
                out = {}
                for attribute, json_key in fields:
                    field = getattr(value, attribute)
                    if field is not None:
                        out[json_key] = serialize(field)
                return out
        self._writers[kind] = writer
        return writer


_PLAIN = (str, int, float, bool, type(None))


class _JsonObject(dict):
    """A JSON object read from a request (the session attributes): a dict whose deep copy, which the
    SDK's AttributesManager makes of the session attributes on every request, is made for JSON data
    (new dicts and lists, the same immutable values), not by copy.deepcopy's general walk. The copy
    is a plain dict, as before. What JSON gives has no shared parts, so nothing else differs."""

    def __deepcopy__(self, memo):
        return _json_copy(self, memo)


def _json_copy(value, memo):
    kind = type(value)
    if kind is dict or kind is _JsonObject:
        return {k: v if type(v) in _PLAIN else _json_copy(v, memo) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _PLAIN else _json_copy(v, memo) for v in value]
    if kind in _PLAIN:
        return value
    return copy.deepcopy(value, memo)


def _maker(cls) -> Callable[[], Any]:
    """`cls()`, the way the SDK makes each model before setting its fields. The generated model
    classes' __init__ only stores its defaults; when those are all immutable, a new instance gets a
    copy of the stored attributes of one made by __init__ (the same attributes, in the same order),
    without running the chain of __init__s again. Otherwise: cls()."""
    try:
        prototype = cls()
        state = vars(prototype)
    except Exception:
        return cls
    if type(prototype) is not cls or not all(type(v) in _PLAIN or isinstance(v, Enum) for v in state.values()):
        return cls
    blank = object.__new__

    def make():
        model = blank(cls)
        model.__dict__.update(state)
        return model
    return make


def _timestamp(match, zone) -> _dt.datetime:
    year, month, day, hour, minute, second, fraction = match.groups()
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    return _dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=zone)


def _same(value):
    return value
