"""Logging to a rotating file under data/logs and to the console, with secrets masked.

The server and the CLI write to the same file (`data/logs/whatispend.log`, rotated at LOG_MAX_BYTES
into LOG_BACKUP_COUNT older files). Requests are logged by a small ASGI middleware, with API keys,
tokens and passwords masked. `read_records` and `follow` serve `manage.py logs show`.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections import deque
from collections.abc import Iterator
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app.config import Settings

LOG_FORMAT = '%(asctime)s %(levelname)s %(name)s: %(message)s'
LEVELS = ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL')

# `key=...`, `token=...`, `api_key=...`, `access_token=...`, `password=...`, `secret=...` in URLs and text.
_SECRET = re.compile(r'((?:[?&;\s,]|^)[\w.-]*(?:key|token|password|passwd|secret)[\w.-]*=)[^&\s"\';,]+', re.IGNORECASE)
# The same in JSON-ish text: "password": "...".
_SECRET_JSON = re.compile(r'(["\'](?:[\w.-]*(?:key|token|password|secret)[\w.-]*)["\']\s*:\s*["\'])[^"\']*', re.I)
# The user and password of a URL (https://user:token@host/repo.git, as UPDATE_REMOTE may hold).
_URL_USERINFO = re.compile(r'(\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s\'"]+@')
_BEARER = re.compile(r'(Bearer\s+)[A-Za-z0-9._~+/=-]+', re.IGNORECASE)
_RECORD_START = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) ')


def mask_secrets(text: str) -> str:
    """Hide API keys, tokens, passwords and URL credentials that would otherwise land in a log line.

    The one masking function: the log handlers, and the update's API, page, CLI and error messages
    (the remote's https://user:token@host is shown as https://***@host)."""
    if not text:
        return text
    text = _URL_USERINFO.sub(r'\1***@', text)
    text = _SECRET.sub(r'\1***', text)
    text = _SECRET_JSON.sub(r'\1***', text)
    return _BEARER.sub(r'\1***', text)


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class SharedRotatingFileHandler(RotatingFileHandler):
    """A RotatingFileHandler that several processes (the server, the CLI) can share: when another
    process has rotated the file, this one reopens the new file instead of writing into the old one."""

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is not None:
            try:
                current = os.stat(self.baseFilename)
                opened = os.fstat(self.stream.fileno())
                if (current.st_dev, current.st_ino) != (opened.st_dev, opened.st_ino):
                    self.stream.close()
                    self.stream = self._open()
            except FileNotFoundError:
                self.stream.close()
                self.stream = self._open()
            except (OSError, ValueError):
                pass
        super().emit(record)


def log_dir(settings: Settings) -> Path:
    return settings.data_path / 'logs'


def log_file(settings: Settings) -> Path:
    return log_dir(settings) / 'whatispend.log'


def setup_logging(settings: Settings, *, console: bool = True) -> None:
    """Idempotent: calling it twice (tests, re-runs of main.py) does not double the handlers.
    WIS_LOG_CONSOLE=false (set for a background server) leaves the console out: the file has it all."""
    root = logging.getLogger()
    root.setLevel(settings.log_level.upper())
    for handler in list(root.handlers):
        if getattr(handler, '_wis', False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = []
    try:
        log_dir(settings).mkdir(parents=True, exist_ok=True)
        handlers.append(
            SharedRotatingFileHandler(
                log_file(settings),
                maxBytes=settings.log_max_bytes,
                backupCount=settings.log_backup_count,
                encoding='utf-8',
            )
        )
    except OSError as exc:
        print(f'warning: cannot write logs under {log_dir(settings)}: {exc}')
    if console and os.environ.get('WIS_LOG_CONSOLE', '').lower() not in ('0', 'false', 'no'):
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler._wis = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(MaskingFilter())
        root.addHandler(handler)
    for name in ('uvicorn.access', 'uvicorn.error'):
        logging.getLogger(name).addFilter(MaskingFilter())


# --- request logging -------------------------------------------------------------------------------

request_log = logging.getLogger('whatispend.requests')


class RequestLogMiddleware:
    """Pure ASGI middleware: one line per HTTP request (method, path with masked query, status, time,
    client). NiceGUI's own assets and websocket traffic are logged at DEBUG only, so the log stays
    about what people and scripts asked for.

    It also answers an unexpected error itself, with the app's handler for `Exception` (the JSON 500):
    left to Starlette's outermost ServerErrorMiddleware, the 500 is sent and the exception re-raised to
    uvicorn, which then closes the keep-alive connection, so the client's next request on it was reset
    (issue 13: 985 resets beside 1,013 HTTP 500). Answered here, the connection stays usable."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {'code': 500, 'started': False}

        async def send_with_status(message) -> None:
            if message['type'] == 'http.response.start':
                status['code'], status['started'] = message['status'], True
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        except Exception as exc:
            handler = getattr(scope.get('app'), 'exception_handlers', {}).get(Exception)
            if status['started'] or handler is None:
                raise  # half a response is out: only closing the connection can tell the client
            from starlette.requests import Request

            response = await handler(Request(scope, receive), exc)
            await response(scope, receive, send_with_status)
        finally:
            path = scope.get('path', '')
            level = logging.DEBUG if path.startswith('/_nicegui') else logging.INFO
            if request_log.isEnabledFor(level):
                query = scope.get('query_string', b'').decode('latin-1')
                target = mask_secrets(f'{path}?{query}' if query else path)
                client = scope.get('client') or ('-', 0)
                elapsed = (time.perf_counter() - started) * 1000
                request_log.log(
                    level, '%s %s %s %.1fms %s', scope.get('method', '-'), target, status['code'], elapsed, client[0]
                )


# --- reading the log -------------------------------------------------------------------------------


def parse_level(level: str | None) -> int:
    """LEVEL name for `logs show --level`; unknown names are refused with the list of known ones."""
    if not level:
        return logging.DEBUG
    name = str(level).strip().upper()
    if name == 'WARN':
        name = 'WARNING'
    if name not in LEVELS:
        raise ValueError(f'unknown level {level!r}; use one of {", ".join(LEVELS).lower()}')
    return logging.getLevelNamesMapping()[name]


def _records(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    """Group lines into records (a traceback belongs to the line that logged it) with their level."""
    level = logging.INFO
    buffer: list[str] = []
    for line in lines:
        match = _RECORD_START.match(line)
        if match and buffer:
            yield level, ''.join(buffer)
            buffer = []
        if match:
            level = logging.getLevelNamesMapping()[match.group(1)]
        buffer.append(line)
    if buffer:
        yield level, ''.join(buffer)


def log_files(settings: Settings) -> list[Path]:
    """The current log and its rotated predecessors, oldest first."""
    current = log_file(settings)
    older = sorted(
        (p for p in current.parent.glob(current.name + '.*') if p.suffix.lstrip('.').isdigit()),
        key=lambda p: int(p.suffix.lstrip('.')),
        reverse=True,
    )
    return [*older, current] if current.exists() else older


def read_records(settings: Settings, n: int = 50, min_level: int = logging.DEBUG) -> list[str]:
    """The last `n` records at `min_level` or above, across the rotated files, oldest first."""

    def lines() -> Iterator[str]:
        for path in log_files(settings):
            try:
                with path.open(encoding='utf-8', errors='replace') as handle:
                    yield from handle
            except OSError:
                continue

    kept: deque[str] = deque(maxlen=max(n, 0) or None)
    for level, text in _records(lines()):
        if level >= min_level:
            kept.append(text)
    return list(kept) if n > 0 else []


def records_since(settings: Settings, since: datetime, min_level: int = logging.ERROR) -> list[tuple[datetime, str]]:
    """The records at `min_level` or above logged at or after `since` (naive local time, as the log writes
    it), oldest first, each with its time. Rotated files last written before `since` are not read."""
    cutoff = since.timestamp()

    def lines() -> Iterator[str]:
        for path in log_files(settings):
            try:
                if path.stat().st_mtime < cutoff:
                    continue
                with path.open(encoding='utf-8', errors='replace') as handle:
                    yield from handle
            except OSError:
                continue

    found = []
    for level, text in _records(lines()):
        if level < min_level:
            continue
        try:
            moment = datetime.strptime(text[:23], '%Y-%m-%d %H:%M:%S,%f')
        except ValueError:
            continue  # lines before the first timestamped record
        if moment >= since:
            found.append((moment, text))
    return found


def follow(settings: Settings, min_level: int = logging.DEBUG, poll: float = 0.5) -> Iterator[str]:
    """New records as they are written; survives rotation (the file is reopened when it shrinks or is
    replaced). Runs until the caller stops iterating (Ctrl+C in the CLI)."""
    path = log_file(settings)
    handle = None
    inode = None
    pending = ''
    level = logging.INFO
    while True:
        if handle is None and path.exists():
            handle = path.open(encoding='utf-8', errors='replace')
            inode = path.stat().st_ino
            handle.seek(0, 2)
        if handle is not None:
            chunk = handle.read()
            if chunk:
                pending += chunk
                *complete, pending = pending.split('\n')
                for line in complete:
                    match = _RECORD_START.match(line)
                    if match:  # a line without a timestamp continues the record above it
                        level = logging.getLevelNamesMapping()[match.group(1)]
                    if level >= min_level:
                        yield line + '\n'
                continue
            try:
                stat = path.stat()
                if stat.st_ino != inode or stat.st_size < handle.tell():
                    handle.close()
                    handle = path.open(encoding='utf-8', errors='replace')
                    inode = stat.st_ino
                    continue
            except FileNotFoundError:
                pass
        time.sleep(poll)
