"""Reading a file to import (issue 16, the read side): formats, encodings, delimiters, headers, presets,
and rows turned into expenses-to-be, problems or skips. The import flow (duplicates, commit, undo, history)
builds on these names; pages, API and CLI reach them through it.
"""

from __future__ import annotations

from app.services.imports.files import open_table
from app.services.imports.headers import guess_mapping
from app.services.imports.presets import PRESETS, Preset, detect_preset, preset_mapping
from app.services.imports.rows import analyse, read_rows
from app.services.imports.shapes import (
    FIELDS,
    DateQuestion,
    ImportFileError,
    Mapping,
    ParsedRow,
    ReadOptions,
    RowProblem,
    SkippedRow,
    Table,
)
from app.services.imports.tables import iter_rows, preview

__all__ = [
    'FIELDS',
    'PRESETS',
    'DateQuestion',
    'ImportFileError',
    'Mapping',
    'ParsedRow',
    'Preset',
    'ReadOptions',
    'RowProblem',
    'SkippedRow',
    'Table',
    'analyse',
    'detect_preset',
    'guess_mapping',
    'iter_rows',
    'open_table',
    'preset_mapping',
    'preview',
    'read_rows',
]
