"""The compiled content snapshot: what the web service, Lambda and the simulator load at start-up.

`load_content()` reads the editors' YAML, validates it against the schemas and walks every triage
path: right for `make check` and the tests, too slow for a cold start (and it needs jsonschema).
`write_snapshot()` pickles the validated `Content` once, at build time, stamped with a hash of
everything that made it: the files in content/, the code that parses them (skill/core) and the
Python version. `production_content()` compares that stamp with the sources it would load now and
uses the snapshot only when they match; a stale or missing snapshot means a full load, so the skill
never speaks other content than content/ holds.

The snapshot is written by the build (`make snapshot`, part of `make setup`, `make run`, `make chat`,
`make package`, `make lambda-zip`) and by `hamstring-skill snapshot`; the Lambda zip carries a fresh
one. It is a pickle: it is only ever read from the skill's own folder, never from a request.
"""
from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

from skill import paths

FORMAT = 1
# The sources whose change makes a snapshot stale, beside the content files themselves.
_CODE = ("skill/core/*.py", "skill/core/schemas/*.json")


def _sha256(data: bytes):
    try:
        from _sha256 import sha256      # CPython 3.11's built-in SHA-256: no OpenSSL to load at a cold start
    except ImportError:
        from hashlib import sha256
    return sha256(data)


def snapshot_file() -> Path:
    """Where the snapshot lives: HAMSTRING_SNAPSHOT, else build/content.pickle in the repository
    (in the Lambda zip: build/content.pickle next to skill/)."""
    return Path(os.environ.get("HAMSTRING_SNAPSHOT") or paths.ROOT / "build" / "content.pickle")


def source_hash(content_dir: Path | None = None) -> str:
    """A hash of every file the content is made from, the parsing code and the Python version."""
    content_dir = Path(content_dir or paths.content_dir())
    digest = _sha256(f"{FORMAT} {sys.version_info[0]}.{sys.version_info[1]}".encode())
    files = sorted(p for p in content_dir.rglob("*") if p.is_file())
    code = sorted(p for pattern in _CODE for p in paths.ROOT.glob(pattern))
    for label, base, group in (("content", content_dir, files), ("code", paths.ROOT, code)):
        for path in group:
            digest.update(f"\0{label}/{path.relative_to(base).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def write_snapshot(target: Path | None = None, content_dir: Path | None = None) -> Path:
    """Loads content/ with every check and writes the snapshot (atomically). Raises ContentError."""
    from skill.adapters import documents
    from skill.core.coach import common_number_words
    from skill.core.content import load_content

    target = Path(target or snapshot_file())
    stamp = source_hash(content_dir)
    content = load_content(content_dir)
    pages = {name: documents.load(name, Path(content_dir or paths.content_dir())) for name in documents.DOCUMENTS}
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    snapshot = {"stamp": stamp, "content": content, "number_words": common_number_words(), "documents": pages}
    temporary.write_bytes(pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(temporary, target)
    return target


def read_snapshot(content_dir: Path | None = None, target: Path | None = None):
    """The snapshot's Content when it is fresh for these sources, else None."""
    loaded = _fresh(content_dir, target)
    if loaded is None:
        return None
    from skill.core import coach
    coach.NUMBER_WORDS.update(loaded.get("number_words") or {})
    return loaded.get("content")


def compiled_document(name: str):
    """A checked document (privacy, voorwaarden: skill.adapters.documents) from a fresh snapshot, else None."""
    loaded = _fresh(None, None)
    return None if loaded is None else (loaded.get("documents") or {}).get(name)


_unpickled: dict = {}      # (path, file identity) -> what it holds: read once per process


def _fresh(content_dir: Path | None, target: Path | None):
    target = Path(target or snapshot_file())
    try:
        status = target.stat()
        key = (str(target), status.st_ino, status.st_size, status.st_mtime_ns)
        loaded = _unpickled.get(key)
        if loaded is None:
            loaded = pickle.loads(target.read_bytes())
            _unpickled.clear()
            _unpickled[key] = loaded
    except Exception:                       # missing, unreadable or written by other code: as good as stale
        return None
    if not isinstance(loaded, dict) or loaded.get("stamp") != source_hash(content_dir):
        return None
    return loaded


def production_content():
    """The content for the web service, Lambda and the simulator: the snapshot when it is fresh,
    else a full load with every check (slower, never other content)."""
    content = read_snapshot()
    if content is None:
        from skill.core.content import load_content
        content = load_content()
    return content
