"""The manifest of a backup archive: `manifest.json`, its first member, and what it promises.

It names the app (`app`, so that a foreign archive is refused), the archive format, the app and schema
versions, the time, the SHA-256 and size of every other member and the row count of every table.
Reading it alone is cheap (the first member), which is how `backup list` shows many archives quickly.
"""

from __future__ import annotations

import json
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from app.i18n import Message
from app.services.errors import Invalid
from app.services.timestamps import Timestamp, as_utc

APP_MARKER = 'whatispend'
FORMAT = 1
MANIFEST = 'manifest.json'


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    app_version: str
    schema_version: int
    created_at: Timestamp
    engine: str  # sqlite | postgresql
    kind: str  # manual | auto | safety | update
    members: dict[str, dict[str, Any]]  # name -> {'sha256': ..., 'size': ...}
    row_counts: dict[str, int]
    app: str = field(default=APP_MARKER)
    format: int = field(default=FORMAT)

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


_DOCUMENT = TypeAdapter(Manifest)


def manifest_bytes(manifest: Manifest) -> bytes:
    """`manifest.json` as written into an archive."""
    return _DOCUMENT.dump_json(manifest, indent=2)


def manifest_from(data: Any, where: str) -> Manifest:
    """The manifest of a `manifest.json` read back; Invalid (naming `where`) for anything that is not ours."""
    if not isinstance(data, dict) or data.get('app') != APP_MARKER:
        raise Invalid(Message('{where} is not a What I Spend backup (its manifest is not ours).', where=where))
    if not isinstance(data.get('format'), int) or data['format'] > FORMAT:
        raise Invalid(
            Message(
                '{where} has backup format {format}, newer than this app understands; update.',
                where=where,
                format=repr(data.get('format')),
            )
        )
    try:
        members = data['members']
        counts = data['row_counts']
        if not isinstance(members, dict) or not isinstance(counts, dict):
            raise TypeError('members')
        return Manifest(
            app_version=str(data['app_version']),
            schema_version=int(data['schema_version']),
            created_at=as_utc(data['created_at']),
            engine=str(data.get('engine', 'sqlite')),
            kind=str(data.get('kind', 'manual')),
            members={str(k): dict(v) for k, v in members.items()},
            row_counts={str(k): int(v) for k, v in counts.items()},
        )
    except (KeyError, TypeError, ValueError):
        raise Invalid(Message('{where} has a damaged manifest.json; use another backup.', where=where)) from None


def read_manifest(path: Path) -> Manifest:
    """The manifest alone (the first member: cheap). Raises Invalid for anything that is not ours."""
    try:
        with tarfile.open(path, 'r:gz') as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise Invalid(
                    Message('{name} is not a What I Spend backup (no manifest.json at its start).', name=path.name)
                )
            handle = tar.extractfile(first)
            data = json.loads(handle.read(1 << 20)) if handle else None
    except (tarfile.TarError, EOFError, OSError, zlib.error, ValueError) as exc:
        raise Invalid(Message('{name} is not a readable backup archive ({exc}).', name=path.name, exc=exc)) from None
    return manifest_from(data, path.name)
