"""The status of the last update: the record on disk, the typed view the API, the page and the CLI read.

The record lives in data/update-status.json, written atomically after every change, so that a page
reloaded after the restart, the CLI and the next start of a server killed mid-update all read the same
truth. Its format is shared with the versions before and after an update (the old server writes it, the
new one reads it), so it stays a plain JSON object; `UpdateStatus` is what leaves the service.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.config import Settings, get_settings
from app.i18n import N_, Message
from app.logs import mask_secrets
from app.services import audit
from app.services.timestamps import Timestamp, as_utc
from app.version import current_version

log = logging.getLogger('whatispend.update')

# (name, label, progress reached when the step is done); the labels are msgids, shown translated by the page
STEPS: list[tuple[str, str, int]] = [
    ('preflight', N_('Preflight checks'), 5),
    ('backup', N_('Back up database, configuration and code revision'), 15),
    ('fetch', N_('Fetch and switch to the new version'), 30),
    ('requirements', N_('Install requirements'), 45),
    ('migrate', N_('Run database migrations'), 60),
    ('verify', N_('Verify the new version in a test server'), 80),
    ('restart', N_('Restart the server'), 90),
    ('confirm', N_('Confirm the server answers'), 100),
]
STEP_LABELS = {name: label for name, label, _ in STEPS}
ACTIVE_STATES = ('running', 'rolling_back', 'restarting')
MAX_LOG_LINES = 300


class StepFailed(Exception):
    """A step could not be done; the message says why and what to do."""


def status_path(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_path / 'update-status.json'


def now_text() -> str:
    """A moment as the records on disk hold it (older versions read this form too)."""
    return datetime.now(UTC).isoformat(timespec='seconds')


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f'.{os.getpid()}.{threading.get_ident()}.tmp')
    partial.write_text(json.dumps(data, indent=1), encoding='utf-8')
    with partial.open('rb') as handle:
        os.fsync(handle.fileno())
    partial.replace(path)


def read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def idle_record() -> dict[str, Any]:
    """The record of an installation that has not been updated yet (and the keys every record has)."""
    return {
        'state': 'idle',
        'step': '',
        'progress': 0,
        'from_version': current_version(),
        'to_version': '',
        'started_at': '',
        'finished_at': '',
        'error': '',
        'error_said': [],
        'failed_step': '',
        'rolled_back': False,
        'executor': '',
        'log': [],
        'steps': {name: 'pending' for name, _, _ in STEPS},
        'plan': {},
    }


def read_record(settings: Settings | None = None) -> dict[str, Any]:
    """The last update's record as stored on disk, or an idle one."""
    stored = read_json(status_path(settings))
    if not stored:
        return idle_record()
    return {**idle_record(), **stored}


def _moment(text: str) -> datetime | None:
    try:
        return as_utc(text) if text else None
    except ValueError:
        return None


# parameters whose value is itself an msgid (a step's label), translated with the sentence around it
MSGID_PARAMS = frozenset({'step'})
# A Message of an msgid marked with N_ where it is written (STEPS): the extractor has it already, and
# tests/test_catalogues.py asks `Message(...)` for a literal, so the marked constants go through this name.
Marked = Message


def step_label(step: str) -> Message:
    """The label of the step named `step` (its name when unknown), translated where it is shown."""
    return Marked(STEP_LABELS.get(step, step))


@dataclass(frozen=True, slots=True)
class Said:
    """A line of the update written for a person, kept as its msgid and parameters so that a page shows it
    in its reader's language. The record on disk keeps the English too (older versions and logs read it)."""

    msgid: str
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, message: Message) -> Said:
        params = []
        for key, value in message.params.items():
            value = value.msgid if isinstance(value, Message) and key in MSGID_PARAMS else str(value)
            params.append((key, mask_secrets(value)))
        return cls(message.msgid, tuple(params))

    @classmethod
    def read(cls, stored: Any) -> Said | None:
        """From the record; None for a line an older version wrote (English only) or anything unreadable."""
        if not isinstance(stored, dict) or not isinstance(stored.get('msgid'), str):
            return None
        params = stored.get('params')
        pairs = params.items() if isinstance(params, dict) else ()
        return cls(stored['msgid'], tuple((str(k), str(v)) for k, v in pairs))

    def stored(self) -> dict[str, Any]:
        return {'msgid': self.msgid, 'params': dict(self.params)}

    def message(self) -> Message:
        return Marked(self.msgid, **{k: Marked(v) if k in MSGID_PARAMS else v for k, v in self.params})


@dataclass(frozen=True, slots=True)
class StepProgress:
    name: str
    label: str
    state: str  # pending | running | done | skipped | failed


@dataclass(frozen=True, slots=True)
class LogLine:
    time: Timestamp | None
    level: str
    message: str  # English, as the log file has it
    said: Said | None = None  # the same for a page to translate (None: written by an older version)


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateStatus:
    """What the API, the page and the CLI show of an update (the rollback plan stays internal)."""

    state: str
    step: str
    step_label: str
    progress: int
    from_version: str
    to_version: str
    started_at: Timestamp | None
    finished_at: Timestamp | None
    error: str
    failed_step: str
    rolled_back: bool
    executor: str
    steps: tuple[StepProgress, ...]
    log: tuple[LogLine, ...]
    error_said: tuple[Said, ...] = ()  # `error` for a page to translate, sentence by sentence

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> UpdateStatus:
        """Masked again when shown: a record written by a version that did not mask may hold a token."""
        return cls(
            state=record['state'],
            step=record['step'],
            step_label=STEP_LABELS.get(record['step'], ''),
            progress=int(record['progress']),
            from_version=record['from_version'],
            to_version=record['to_version'],
            started_at=_moment(record['started_at']),
            finished_at=_moment(record['finished_at']),
            error=mask_secrets(record['error']),
            failed_step=record['failed_step'],
            rolled_back=bool(record['rolled_back']),
            executor=record['executor'],
            steps=tuple(
                StepProgress(name=name, label=label, state=record['steps'].get(name, 'pending'))
                for name, label, _ in STEPS
            ),
            log=tuple(
                LogLine(
                    time=_moment(line.get('time', '')),
                    level=line.get('level', 'info'),
                    message=mask_secrets(line.get('message', '')),
                    said=Said.read(line.get('said')),
                )
                for line in record['log']
            ),
            error_said=tuple(
                said for said in (Said.read(item) for item in record.get('error_said') or []) if said is not None
            ),
        )


def read_status(settings: Settings | None = None) -> UpdateStatus:
    """The current or last update, as stored on disk."""
    return UpdateStatus.from_record(read_record(settings))


class Status:
    """The record of the update in progress, saved to disk at every change."""

    def __init__(self, settings: Settings, data: dict, echo: Callable[[str], None] | None = None) -> None:
        self.settings, self.data, self.echo = settings, data, echo

    @property
    def plan(self) -> dict:
        return self.data['plan']

    def public(self) -> UpdateStatus:
        return UpdateStatus.from_record(self.data)

    def save(self) -> None:
        self.data['error'] = mask_secrets(self.data.get('error') or '')
        write_json(status_path(self.settings), self.data)

    def log(self, message: str | Message, level: str = 'info') -> None:
        """A line of the log: English in the record and the log file; a Message also keeps its msgid, for the
        page, and is echoed (the CLI) in the language of the run."""
        english = mask_secrets(str(message))
        line: dict[str, Any] = {'time': now_text(), 'level': level, 'message': english}
        if isinstance(message, Message):
            line['said'] = Said.of(message).stored()
        self.data['log'].append(line)
        del self.data['log'][:-MAX_LOG_LINES]
        getattr(log, 'warning' if level == 'error' else level, log.info)('update: %s', english)
        if self.echo:
            shown = mask_secrets(message.render()) if isinstance(message, Message) else english
            self.echo(shown if level == 'info' else f'{level}: {shown}')
        self.save()

    def fail(self, message: Message, *, unless_set: bool = False) -> None:
        """Set what went wrong (English in `error`, the msgid for the page); `unless_set` keeps an earlier one."""
        if unless_set and self.data.get('error'):
            return
        self.data['error'] = str(message)
        self.data['error_said'] = [Said.of(message).stored()]

    def add_failure(self, message: Message) -> None:
        """One more sentence after the error (a rollback that could not finish)."""
        self.data['error'] = f'{self.data.get("error") or ""}{" " if self.data.get("error") else ""}{message}'
        self.data.setdefault('error_said', []).append(Said.of(message).stored())

    def begin(self, step: str) -> None:
        self.data['step'] = step
        self.data['steps'][step] = 'running'
        self.log(Message('{step}…', step=step_label(step)))

    def done(self, step: str, state: str = 'done') -> None:
        self.data['steps'][step] = state
        self.data['progress'] = {name: pct for name, _, pct in STEPS}[step]
        self.save()

    def finish(self, state: str) -> None:
        self.data['state'] = state
        self.data['finished_at'] = now_text()
        if state == 'succeeded':
            self.data['progress'] = 100
        self.save()
        versions = f'{self.data.get("from_version") or "?"} to {self.data.get("to_version") or "?"}'
        if state == 'succeeded':
            audit.record('update_finished', detail=f'updated from {versions}')
        else:
            audit.record('update_failed', detail=f'{versions}: {self.data.get("error") or state}'[:500])
