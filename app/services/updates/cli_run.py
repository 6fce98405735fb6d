"""`manage.py update --yes`: the same steps in the terminal's process; a running server is restarted by signal."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

from app.config import Settings
from app.i18n import Message
from app.services.errors import Conflict
from app.services.updates.lock import UpdateLock
from app.services.updates.recovery import recover_if_interrupted, rollback
from app.services.updates.releases import target
from app.services.updates.restart import answers_as, running_server
from app.services.updates.runner import Runner, new_status
from app.services.updates.status import Status, UpdateStatus, read_record


def run_from_cli(settings: Settings, echo: Callable[[str], None]) -> UpdateStatus:
    """`manage.py update --yes`: the same steps in this process; a running server is restarted by signal."""
    lock = UpdateLock(settings)
    if not lock.acquire():
        current = read_record(settings)
        raise Conflict(
            Message(
                'An update to {version} is already running; wait for it.',
                version=current['to_version'] or Message('a new version'),
            )
        )
    try:
        recover_if_interrupted(settings, echo)
        source, release = target(settings)
        status = new_status(settings, release, 'cli', echo)
        runner = Runner(settings, status, source, release)
        if runner.run():
            _cli_restart(settings, status, release.version)
            if status.data['state'] == 'succeeded':
                return status.public()
        if rollback(settings, status, source) and (server := running_server(settings)):
            _signal_restart(settings, status, server, status.data['from_version'])
        status.finish('failed')
        return status.public()
    finally:
        lock.release()


def _signal_restart(settings: Settings, status: Status, server: tuple[int, str], version: str) -> str:
    pid, url = server
    status.log(Message('asking the server (pid {pid}) to restart', pid=pid))
    os.kill(pid, signal.SIGUSR1)
    problem = answers_as(url, version, settings.update_verify_timeout)
    if not problem:
        status.log(Message('the server answers as {version}', version=version))
    return problem


def _cli_restart(settings: Settings, status: Status, version: str) -> None:
    status.begin('restart')
    server = running_server(settings)
    if server is None:
        status.done('restart', 'skipped')
        status.done('confirm', 'skipped')
        status.log(Message('no server is running; start it to serve {version}', version=version))
        status.finish('succeeded')
        return
    status.plan['new_code_running'] = True
    problem = _signal_restart(settings, status, server, version)
    if problem:
        status.data['steps']['restart'] = 'failed'
        status.data['failed_step'] = 'restart'
        failed = Message('Restart failed: {problem}', problem=problem)
        status.fail(failed)
        status.log(failed, 'error')
        return
    status.done('restart')
    status.done('confirm')
    status.log(Message('update to {version} complete', version=version))
    status.finish('succeeded')
