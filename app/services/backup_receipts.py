"""Receipts in backups: their files travel in the archive as `receipts/ab/<sha256>.<ext>` members, listed
in the manifest with their checksums like the database; a restore puts them back under DATA_DIR/receipts.

Apart from backups.py (which calls these three functions) to keep that module to its own job."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from app.services import receipt_files, receipt_rows

PREFIX = 'receipts/'


class MemberNames:
    """The member names an archive may hold: the fixed ones, and receipt files named as we name them."""

    def __init__(self, fixed: Iterable[str]) -> None:
        self.fixed = frozenset(fixed)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        if name in self.fixed:
            return True
        return name.startswith(PREFIX) and receipt_files.is_stored_name(name[len(PREFIX) :])


def members() -> dict[str, Path]:
    """Every receipt file and thumbnail on disk, by member name. Read after the database snapshot: what a
    row of the snapshot refers to was written before it (files are stored before their row)."""
    return {PREFIX + name: path for name, path in receipt_files.stored_files()}


def install(staging: Path) -> int:
    """After a restore's database swap: put the archive's receipt files in place (same name, same bytes:
    an existing one is left), then drop the files the restored database no longer refers to."""
    source = staging / PREFIX.rstrip('/')
    target = receipt_files.receipts_dir()
    count = 0
    if source.is_dir():
        for path in sorted(source.glob('??/*')):
            name = f'{path.parent.name}/{path.name}'
            if not receipt_files.is_stored_name(name):
                continue
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.replace(path, destination)
            count += 1
    keep = receipt_rows.referenced_hashes()
    for name, path in receipt_files.stored_files():
        if name.split('/')[1][:64] not in keep:
            path.unlink(missing_ok=True)
    return count
