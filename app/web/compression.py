"""Answers compressed with gzip at level 1 by ISA-L, not NiceGUI's default zlib at level 9 (issue 21, item 5).

A month listed through the API is about 1.3 MB of JSON: zlib at level 9 took about 20 ms of CPU to bring it
to 17 kB, at level 1 about a fifth of that for 22 kB (bench/peers.py, docs/PERFORMANCE.md). Level 1 is also
what nginx uses unless told otherwise: past it, the bytes saved cost more time than they save on any link.
ISA-L (`isal`, requirements.txt) writes the same gzip format at level 1 in a sixth of zlib's time for about
the same size (1.26 MB of the benchmark's month: 0.5 ms and 79 kB against 3.1 ms and 81 kB).

Starlette's middleware is kept for everything but the compressor: which answers are compressed, the
`Vary` header, streamed bodies flushed chunk by chunk, large bodies compressed in a worker thread.
"""

from __future__ import annotations

from typing import Any

from isal import isal_zlib
from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware, GZipResponder
from starlette.types import ASGIApp, Receive, Scope, Send

LEVEL = 1  # ISA-L's levels are 0 to 3; its 1 compresses like zlib's 1


class _IsalResponder(GZipResponder):
    _isal: isal_zlib.Compress | None = None

    @property
    def compressor(self) -> Any:  # Starlette's zlib compressor's interface: compress(body), flush(mode)
        if self._isal is None:
            self._isal = isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, 16 + isal_zlib.MAX_WBITS)
        return self._isal


class IsalGZipMiddleware(GZipMiddleware):
    """Starlette's `GZipMiddleware` whose compressor is ISA-L's (`zlib.Z_SYNC_FLUSH` and ISA-L's are both 2)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or 'gzip' not in Headers(scope=scope).get('Accept-Encoding', ''):
            await super().__call__(scope, receive, send)
            return
        responder = _IsalResponder(
            self.app,
            self.minimum_size,
            thread_minimum_size=self.thread_minimum_size,
            exclude_content_types=self.exclude_content_types,
        )
        await responder(scope, receive, send)


# Starlette compresses a body of 128 KiB or more in a worker thread, so as not to block the event loop with
# zlib at level 9. ISA-L at level 1 compresses a month's 1.26 MB in ~0.5 ms, less than the trip to a worker
# thread and back costs on a small virtual machine (~1 ms of wall time, bench/peers.py): bodies up to 4 MiB
# (~2 ms) are compressed on the loop, bigger ones (a long year listed whole) still in a thread.
THREAD_MINIMUM_SIZE = 4 * 1024 * 1024


def gzip_middleware(app: ASGIApp) -> GZipMiddleware:
    """For `ui.run(gzip_middleware_factory=...)`: Starlette's middleware, NiceGUI's minimum size, ISA-L level 1."""
    return IsalGZipMiddleware(app, minimum_size=500, compresslevel=LEVEL, thread_minimum_size=THREAD_MINIMUM_SIZE)
