"""An update started from Settings › Update or the API: it runs in a thread of the server.

The request is answered at once with the status; the page and GET /sysapi/update/status follow the
progress. The lock stays held through the restart: exec (or exit) releases it.
"""

from __future__ import annotations

import threading
from typing import Any

from app.config import Settings, get_settings
from app.i18n import Message
from app.services import audit
from app.services.errors import Conflict
from app.services.update_sources import Release
from app.services.updates.lock import UpdateLock
from app.services.updates.recovery import recover_if_interrupted, rollback
from app.services.updates.releases import target
from app.services.updates.restart import request_restart, restart_into
from app.services.updates.runner import Runner, new_status
from app.services.updates.status import ACTIVE_STATES, STEP_LABELS, Status, UpdateStatus, read_record


def start(settings: Settings | None = None) -> UpdateStatus:
    """Begin an update in a background thread of the server; answers the status at once.

    Conflict when another update runs; Invalid when there is nothing newer.
    """
    settings = settings or get_settings()
    lock = UpdateLock(settings)
    if not lock.acquire():
        current = read_record(settings)
        step = STEP_LABELS.get(current['step'], current['step'])
        raise Conflict(
            Message(
                'An update to {version} is already running (step: {step}); wait for it to finish.',
                version=current['to_version'] or Message('a new version'),
                step=step or Message('starting'),  # the step's label stays as the update log writes it
            )
        )
    try:
        state = read_record(settings)['state']
        if state == 'restarting':
            raise Conflict(Message('The server is restarting to finish an update; try again in a minute.'))
        if state in ACTIVE_STATES:
            recover_if_interrupted(settings)
            request_restart()
            raise Conflict(
                Message(
                    'The previous update had been interrupted; it has now been rolled back '
                    'and the server restarts. Start the update again in a minute.'
                )
            )
        source, release = target(settings)
        status = new_status(settings, release, 'server')
        audit.record('update_started', detail=f'to {release.version}')
    except BaseException:
        lock.release()
        raise
    threading.Thread(
        target=_run_in_server, args=(settings, status, source, release, lock), daemon=True, name='update'
    ).start()
    return status.public()


def _run_in_server(settings: Settings, status: Status, source: Any, release: Release, lock: UpdateLock) -> None:
    """The update thread. The lock stays held through a restart: exec (or exit) releases it."""
    try:
        if Runner(settings, status, source, release).run():
            restart_into(status, release.version, 'succeeded')
        elif rollback(settings, status, source):
            restart_into(status, status.data['from_version'], 'failed')
        else:
            status.finish('failed')
    except Exception as exc:  # noqa: BLE001 - the status must say what happened
        unexpected = Message('unexpected error: {problem}', problem=exc)
        status.fail(unexpected, unless_set=True)
        status.log(unexpected, 'error')
        status.finish('failed')
    finally:
        if status.data['state'] != 'restarting':
            lock.release()
