"""Whether a newer version is out: the check, its cache in data/update-check.json, and the release to update to.

Where releases come from (git or archives) is in update_sources.py.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from app.config import Settings, get_settings
from app.i18n import Message
from app.logs import mask_secrets
from app.services.errors import Invalid
from app.services.timestamps import Timestamp, as_utc
from app.services.update_sources import (
    ChangelogEntry,
    Release,
    SourceError,
    changelog_between,
    is_newer,
    parse_version,
    source_for,
)
from app.services.updates.status import now_text, read_json, write_json
from app.version import ROOT, current_version

CHECK_INTERVAL = timedelta(days=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateCheck:
    """The installed and the latest version, with the changelog between them."""

    current_version: str
    latest_version: str
    update_available: bool
    source: str
    release: str
    notes: tuple[ChangelogEntry, ...]
    checked_at: Timestamp
    error: str

    @property
    def stale(self) -> bool:
        """Older than a day: the header badge checks again."""
        return datetime.now(UTC) - self.checked_at > CHECK_INTERVAL

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> UpdateCheck:
        """From the cache on disk; its text is masked again (a version that did not mask may have written it)."""
        return cls(
            current_version=str(record['current_version']),
            latest_version=str(record['latest_version']),
            update_available=bool(record['update_available']),
            source=mask_secrets(str(record.get('source', ''))),
            release=mask_secrets(str(record.get('release', ''))),
            notes=tuple(
                ChangelogEntry(str(n.get('version', '')), str(n.get('date', '')), str(n.get('notes', '')))
                for n in record.get('notes', [])
            ),
            checked_at=as_utc(record['checked_at']),
            error=mask_secrets(str(record.get('error', ''))),
        )

    def record(self) -> dict[str, Any]:
        """The cache's form on disk (older versions read it too: the moment keeps their format)."""
        return {**asdict(self), 'notes': [asdict(n) for n in self.notes], 'checked_at': self.checked_at.isoformat()}


def check_path(settings: Settings):
    return settings.data_path / 'update-check.json'


def source_of(settings: Settings):
    return source_for(
        ROOT, settings.update_remote, settings.update_branch, settings.update_source, settings.data_path / 'updates'
    )


def pick(releases: list[Release]) -> Release | None:
    """The newest version; a tag wins over a branch tip of the same version."""
    if not releases:
        return None
    return max(releases, key=lambda r: (parse_version(r.version) or (0, 0, 0), r.label.startswith('tag ')))


def _cached(settings: Settings) -> UpdateCheck | None:
    stored = read_json(check_path(settings))
    try:
        return UpdateCheck.from_record(stored) if stored else None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def check(settings: Settings | None = None, *, force: bool = True) -> UpdateCheck:
    """Current and latest version with the changelog between them; cached in data/update-check.json.

    Without `force`, a result less than a day old is reused (the header badge checks at most daily).
    """
    settings = settings or get_settings()
    current = current_version()
    cached = _cached(settings)
    if not force and cached and cached.current_version == current and not cached.stale:
        return cached
    found: dict[str, Any] = {'latest_version': current, 'update_available': False, 'source': '', 'release': ''}
    notes: list[ChangelogEntry] = []
    error = ''
    try:
        source = source_of(settings)
        found['source'] = source.describe()
        source.refresh()
        best = pick(source.releases())
        if best is not None and is_newer(best.version, current):
            found.update(latest_version=best.version, update_available=True, release=best.label)
            notes = changelog_between(source.read_file(best, 'CHANGELOG.md') or '', current, best.version)
    except SourceError as exc:
        error = str(exc)
    except OSError as exc:
        error = f'cannot read the update source: {exc}'
    result = UpdateCheck(
        current_version=current,
        latest_version=found['latest_version'],
        update_available=found['update_available'],
        source=mask_secrets(found['source']),
        release=mask_secrets(found['release']),
        notes=tuple(notes),
        checked_at=as_utc(now_text()),
        error=mask_secrets(error),
    )
    try:
        write_json(check_path(settings), result.record())
    except OSError:
        pass
    return result


def cached_check(settings: Settings | None = None) -> UpdateCheck | None:
    """The last check result if one is stored (never contacts the source), seen from the version installed
    now: after an update, the version it announced is no longer "available"."""
    cached = _cached(settings or get_settings())
    current = current_version()
    if cached and cached.current_version != current and not cached.error:
        newer = is_newer(cached.latest_version, current)
        cached = replace(
            cached,
            current_version=current,
            latest_version=cached.latest_version if newer else current,
            update_available=newer,
            notes=tuple(n for n in cached.notes if is_newer(n.version, current)),
        )
    return cached


def target(settings: Settings) -> tuple[Any, Release]:
    """The source and the release to update to; Invalid when there is nothing newer."""
    try:
        source = source_of(settings)
        source.refresh()
        release = pick(source.releases())
    except SourceError as exc:
        raise Invalid(Message('cannot check for updates: {exc}', exc=exc)) from exc
    if release is None or not is_newer(release.version, current_version()):
        raise Invalid(Message('Already up to date: {version} is the latest version.', version=current_version()))
    return source, release
