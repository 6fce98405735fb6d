"""Unpacking a backup archive without trusting it: what may come out is decided before anything is written.

A 2 MB archive can expand to gigabytes of zeros. The manifest (the first member, at most 1 MB) says
which members follow and how big each is; extraction refuses, before writing a byte of them, an archive
whose manifest promises more than the cap or more than the disk can hold (keeping RESERVE free), and
then streams each member with a running count, stopping at the first byte beyond what the manifest said.
Only the known member names are accepted (so no absolute paths, no `..`, no links or devices).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
from collections.abc import Callable, Container
from pathlib import Path

from app.i18n import Message
from app.services.errors import Invalid

MANIFEST_MAX_BYTES = 1 << 20
RESERVE_BYTES = 64 << 20  # what a restore leaves free for the database to keep working
CHUNK = 1 << 20


def _mb(size: int) -> Message:
    return Message('{size} MB', size=f'{size / 2**20:.1f}')  # no thousands separator: ',' reads as a decimal one


def _expected_sizes(data: object, where: str, allowed: Container[str]) -> dict[str, int]:
    members = data.get('members') if isinstance(data, dict) else None
    if not isinstance(members, dict):
        raise Invalid(Message('{where} has a damaged manifest.json; use another backup.', where=where))
    sizes = {}
    for name, facts in members.items():
        size = facts.get('size') if isinstance(facts, dict) else None
        if name not in allowed or type(size) is not int or size < 0:
            raise Invalid(
                Message(
                    "{where} has a damaged manifest.json (member '{member}'); use another backup.",
                    where=where,
                    member=str(name)[:40],
                )
            )
        sizes[name] = size
    return sizes


def _copy(handle, out, limit: int, name: str, where: str) -> tuple[str, int]:
    """Stream one member, never writing more than `limit` bytes: a member longer than its manifest says
    is refused at the first block past it."""
    digest, count = hashlib.sha256(), 0
    while block := handle.read(CHUNK):
        count += len(block)
        if count > limit:
            raise Invalid(
                Message(
                    '{where}: {name} is larger than its manifest says; the archive was altered.', where=where, name=name
                )
            )
        digest.update(block)
        out.write(block)
    return digest.hexdigest(), count


def extract(
    path: Path,
    work: Path,
    manifest_name: str,
    allowed: Container[str],
    *,
    max_bytes: int | None = None,
    check_manifest: Callable[[object], object] | None = None,
) -> tuple[object, dict[str, tuple[str, int]]]:
    """Unpack `path` into `work` within the caps; returns the manifest's JSON and, per member written,
    its SHA-256 and size. Raises Invalid for anything the manifest does not announce."""
    where = path.name
    seen: dict[str, tuple[str, int]] = {}
    with tarfile.open(path, 'r:gz') as tar:
        first = tar.next()
        if first is None or first.name != manifest_name or not first.isfile():
            raise Invalid(
                Message(
                    '{where} is not a What I Spend backup (no {manifest_name} at its start).',
                    where=where,
                    manifest_name=manifest_name,
                )
            )
        if first.size > MANIFEST_MAX_BYTES:
            raise Invalid(
                Message(
                    '{where} has a {manifest_name} of {size}; a real one is a few kB.',
                    where=where,
                    manifest_name=manifest_name,
                    size=_mb(first.size),
                )
            )
        raw = tar.extractfile(first).read(MANIFEST_MAX_BYTES + 1)  # type: ignore[union-attr]
        try:
            data = json.loads(raw)
        except ValueError:
            raise Invalid(
                Message(
                    '{where} has a damaged {manifest_name}; use another backup.',
                    where=where,
                    manifest_name=manifest_name,
                )
            ) from None
        seen[manifest_name] = (hashlib.sha256(raw).hexdigest(), len(raw))
        (work / manifest_name).write_bytes(raw)
        if check_manifest is not None:
            check_manifest(data)  # ours, a format we read: said before any size is looked at
        sizes = _expected_sizes(data, where, allowed)
        total = sum(sizes.values())
        if max_bytes is not None and total > max_bytes:
            raise Invalid(
                Message(
                    '{where} would expand to {size}, more than the {limit} allowed; '
                    'it is not a backup this installation made. Nothing was restored.',
                    where=where,
                    size=_mb(total),
                    limit=_mb(max_bytes),
                )
            )
        free = shutil.disk_usage(work).free
        if total + RESERVE_BYTES > free:
            raise Invalid(
                Message(
                    '{where} would expand to {size} but only {free} are free beside the database '
                    '(keeping {reserve} free); free some space or restore elsewhere. Nothing was restored.',
                    where=where,
                    size=_mb(total),
                    free=_mb(free),
                    reserve=_mb(RESERVE_BYTES),
                )
            )
        for info in tar:
            if info.offset == first.offset:
                continue  # iterating a TarFile starts again from the members already read
            name = info.name
            if name not in sizes or name in seen:
                raise Invalid(
                    Message(
                        "{where} is not a What I Spend backup: unexpected member '{member}'.",
                        where=where,
                        member=name[:80],
                    )
                )
            if not info.isfile():
                raise Invalid(
                    Message('{where}: {name} is a link or a special file, not a backup member.', where=where, name=name)
                )
            if info.size != sizes[name]:
                raise Invalid(
                    Message(
                        '{where}: {name} is {size} but its manifest says {expected}; '
                        'the archive was altered. Nothing was restored.',
                        where=where,
                        name=name,
                        size=_mb(info.size),
                        expected=_mb(sizes[name]),
                    )
                )
            (work / name).parent.mkdir(parents=True, exist_ok=True)  # receipts/ab/...: names checked above
            with (work / name).open('wb') as out:
                seen[name] = _copy(tar.extractfile(info), out, sizes[name], name, where)
    return data, seen
