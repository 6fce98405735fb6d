"""What a CLI verb prints: aligned tables, and colour only when a person reads the terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence


def color(text: str, code: str) -> str:
    """Colour only on a terminal."""
    return f'\033[{code}m{text}\033[0m' if sys.stdout.isatty() else text


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ['  '.join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append('  '.join('-' * w for w in widths))
    lines += ['  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return '\n'.join(lines)
