"""Logging to a rotating file under data/logs and to the console, with secrets masked."""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app.config import Settings

LOG_FORMAT = '%(asctime)s %(levelname)s %(name)s: %(message)s'
_SECRET = re.compile(r'((?:[?&]|\b)(?:key|token|password)=)[^&\s"\']+', re.IGNORECASE)
_BEARER = re.compile(r'(Bearer\s+)[A-Za-z0-9._~+/=-]+', re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """Hide API keys, tokens and passwords that would otherwise land in a log line."""
    return _BEARER.sub(r'\1***', _SECRET.sub(r'\1***', text))


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def log_dir(settings: Settings) -> Path:
    return settings.data_path / 'logs'


def log_file(settings: Settings) -> Path:
    return log_dir(settings) / 'whatispend.log'


def setup_logging(settings: Settings, *, console: bool = True) -> None:
    """Idempotent: calling it twice (tests, re-runs of main.py) does not double the handlers."""
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
            RotatingFileHandler(
                log_file(settings),
                maxBytes=settings.log_max_bytes,
                backupCount=settings.log_backup_count,
                encoding='utf-8',
            )
        )
    except OSError as exc:
        print(f'warning: cannot write logs under {log_dir(settings)}: {exc}')
    if console:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler._wis = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(MaskingFilter())
        root.addHandler(handler)
    for name in ('uvicorn.access', 'uvicorn.error'):
        logging.getLogger(name).addFilter(MaskingFilter())
