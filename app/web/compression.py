"""Answers compressed with gzip at level 1, not NiceGUI's default level 9 (issue 21, item 5).

A month listed through the API is about 1.3 MB of JSON: level 9 took about 20 ms of CPU to bring it to
17 kB, level 1 takes about a fifth of that for 22 kB (bench/peers.py, docs/PERFORMANCE.md). Level 1 is also
what nginx uses unless told otherwise: past it, the bytes saved cost more time than they save on any link.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp

LEVEL = 1


def gzip_middleware(app: ASGIApp) -> GZipMiddleware:
    """For `ui.run(gzip_middleware_factory=...)`: Starlette's middleware, NiceGUI's minimum size, level 1."""
    return GZipMiddleware(app, minimum_size=500, compresslevel=LEVEL)
