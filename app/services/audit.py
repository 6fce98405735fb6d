"""The audit log: who did what security-relevant thing, when and from where.

Other use cases call `record(...)` once their change is done: logins (ok and failed), password
changes, token creation and revocation, user and link changes, backups, restores and updates.
Administrators read it in Settings › Audit. Every event is also written to the log (logger
`whatispend.audit`) so it survives even if the database is restored to an older state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from peewee import fn

from app.db import db, write_transaction
from app.i18n import N_, Message
from app.models import AuditEvent, User
from app.services.errors import Forbidden, Invalid
from app.services.timestamps import Timestamp, as_utc
from app.web.client_ip import current_client_ip

log = logging.getLogger('whatispend.audit')

# Known event names with the words an administrator reads (English msgids, shown with `_()` by the page);
# `record` accepts others too.
EVENTS: dict[str, str] = {
    'login_ok': N_('Logged in'),
    'login_failed': N_('Failed login'),
    'login_throttled': N_('Login refused: too many failures'),
    'logout': N_('Logged out'),
    'sessions_ended': N_('Other sessions logged out'),
    'password_changed': N_('Password changed'),
    'token_created': N_('API token created'),
    'token_revoked': N_('API token revoked'),
    'user_created': N_('User created'),
    'user_changed': N_('User changed'),
    'user_deleted': N_('User deleted'),
    'link_created': N_('Sharing link created'),
    'link_changed': N_('Sharing link changed'),
    'link_removed': N_('Sharing link removed'),
    'backup_created': N_('Backup created'),
    'backup_restored': N_('Backup restored'),
    'update_started': N_('Update started'),
    'update_finished': N_('Update finished'),
    'update_failed': N_('Update failed'),
    'geoip_blocked': N_('Request blocked by country'),
}

MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class AuditView:
    id: int
    at: Timestamp
    event: str
    label: str  # the words an administrator reads for `event`
    username: str
    ip: str
    detail: str


def _view(row: AuditEvent) -> AuditView:
    return AuditView(
        row.id, as_utc(row.at), row.event, EVENTS.get(row.event, row.event), row.username, row.ip, row.detail
    )


def record(event: str, user: User | str | None = None, ip: str = '', detail: str = '') -> AuditEvent | None:
    """Write one audit event. `user` is the account concerned (a User, or a name when no account matches).

    Without `ip`, the address of the /sysapi request being served is used (empty from the CLI; pages
    pass it, since their events do not run inside the request).

    Never raises: a failure to write the audit log is logged but does not undo the user's action.
    """
    event = (event or '').strip()[:40] or 'unknown'
    if isinstance(user, User):
        user_row, username = user, user.username
    else:
        user_row, username = None, (user or '')
    username = username[:64]
    ip = (ip or current_client_ip.get())[:64]
    detail = (detail or '')[:2000]
    log.info('audit %s user=%r ip=%s %s', event, username, ip or '-', detail)
    if db.obj is None:  # a command that works without the database (the log line above is the record)
        return None
    try:
        with write_transaction():  # a savepoint inside the action's own transaction
            return AuditEvent.create(event=event, user=user_row, username=username, ip=ip, detail=detail)
    except Exception:  # noqa: BLE001 - the audit trail must not break the action it records
        log.exception('could not store the audit event %s', event)
        return None


def list_events(
    viewer: User, *, limit: int = 100, offset: int = 0, event: str = '', username: str = ''
) -> tuple[list[AuditView], int]:
    """The newest events first (administrators only), with the total count matching the filters."""
    if not viewer.is_admin:
        raise Forbidden(Message('Only an administrator may read the audit log.'))
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(Message('limit must be between 1 and {max_page}.', max_page=MAX_PAGE), field='limit')
    if offset < 0:
        raise Invalid(Message('offset cannot be negative.'), field='offset')
    query = AuditEvent.select()
    if event:
        query = query.where(AuditEvent.event == event.strip())
    if username:
        query = query.where(fn.LOWER(AuditEvent.username) == username.strip().lower())
    total = query.count()
    rows = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit).offset(offset)
    return [_view(row) for row in rows], total
