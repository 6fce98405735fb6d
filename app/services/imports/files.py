"""Opening a file to import: what `tables` understands of it, named with the preset its header matches."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.services.imports.presets import detect_preset
from app.services.imports.shapes import Table
from app.services.imports.tables import understand


def open_table(path: Path, filename: str, *, encoding: str | None = None, delimiter: str | None = None) -> Table:
    """What the file is: format, encoding, delimiter, headers and the preset they match. Reads the first 64 KB
    (and, for a structured file, up to its first transaction); raises ImportFileError for a file it cannot read.
    `encoding` and `delimiter` override what is detected."""
    table = understand(path, filename, encoding=encoding, delimiter=delimiter)
    return replace(table, preset=detect_preset(table))
