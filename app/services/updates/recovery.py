"""Rollback and crash recovery: undo what an update's plan says was done, in this process or the next.

Any failure rolls back: the previous code, the previous requirements, the database as it was just before
the migrations, and a restart of the old server when the running one could have been touched. A status
still active beside a free lock means the process doing the update died; the next server start then
finishes the rollback before it opens the database (resume_after_start), or confirms that the restarted
server answers as the version it was restarted into.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.config import Settings
from app.i18n import Message
from app.services.update_sources import SourceError
from app.services.updates.lock import UpdateLock
from app.services.updates.releases import source_of
from app.services.updates.restart import answers_as, local_url, replace_process, restart_into
from app.services.updates.runner import VERIFY_ENV, compile_catalogues, pip_install, run_command, tail
from app.services.updates.snapshots import restore_snapshot
from app.services.updates.status import ACTIVE_STATES, Status, StepFailed, read_record, step_label
from app.version import ROOT, current_version


def rollback(settings: Settings, status: Status, source: Any = None) -> bool:
    """Undo what the plan says was done. Returns True when the server must restart to run the old code."""
    plan = status.plan
    status.data['state'] = 'rolling_back'
    status.data['rolled_back'] = False
    status.log(Message('rolling back…'), 'warning')
    _kill_child(plan)
    problems = []
    if plan.get('code_switched'):
        try:
            (source or source_of(settings)).restore(plan)
            plan['code_switched'] = False
            plan['code_restored'] = True
            revision = plan.get('revision')
            status.log(
                Message('code restored to {revision}', revision=revision)
                if revision
                else Message('code restored to the previous version')
            )
        except (SourceError, OSError) as exc:
            problems.append(f'the code could not be restored ({exc})')
    if plan.get('requirements_started') and not problems:
        before = Path(plan['work_dir']) / 'requirements-before.txt'
        done = run_command(status, pip_install(settings, before), timeout=1800)
        if done.returncode == 0:
            status.log(Message('previous requirements reinstalled'))
        else:
            problems.append(f'the previous requirements could not be reinstalled: {tail(done.stdout, 2)}')
    if plan.get('code_restored') and not problems:
        try:
            compile_catalogues(status)  # the restored code's translations
        except StepFailed as exc:
            problems.append(str(exc))
    if plan.get('db_touched'):
        try:
            restore_snapshot(plan['db_snapshot'], settings)
            plan['db_touched'] = False
            plan['db_restored'] = True
            status.log(Message('database restored from {path}', path=plan['db_snapshot']))
        except (StepFailed, sqlite3.Error, OSError) as exc:
            problems.append(f'the database could not be restored ({exc})')
    if plan.get('config_backup'):
        saved, live = Path(plan['config_backup']), Path(plan['config_path'])
        if saved.exists() and (not live.exists() or live.read_bytes() != saved.read_bytes()):
            shutil.copy2(saved, live)
            status.log(Message('config.env restored'))
    if problems:
        incomplete = Message('Rollback incomplete: {problems}.', problems='; '.join(problems))
        status.add_failure(incomplete)
        if plan.get('db_backup'):
            restore = f'python manage.py backup restore {plan["db_backup"]}'
            status.add_failure(Message('The backup made before the update is restored by: {command}', command=restore))
        status.log(incomplete, 'error')
    else:
        status.data['rolled_back'] = True
        status.log(Message('rolled back to {version}', version=status.data['from_version']))
    status.save()
    return bool(plan.get('new_code_running') or plan.get('requirements_started') or plan.get('db_restored'))


def _kill_child(plan: dict) -> None:
    """A migration or test server left behind by a killed update must not keep the database busy."""
    import psutil

    pid = plan.pop('child_pid', None)
    if not pid:
        return
    try:
        process = psutil.Process(pid)
        ours = process.cwd() == str(ROOT) and any(
            part.endswith(('main.py', 'pip')) or part == 'manage.py' for part in process.cmdline()
        )
        if ours:  # a pid reused by an unrelated process after a reboot is left alone
            os.killpg(pid, signal.SIGKILL)
    except (psutil.Error, ProcessLookupError, PermissionError):
        pass


def recover_if_interrupted(settings: Settings, echo: Callable[[str], None] | None = None) -> None:
    """With the lock held: a status still active means its process died; roll it back first."""
    stored = read_record(settings)
    if stored['state'] not in ACTIVE_STATES:
        return
    status = Status(settings, stored, echo)
    step = step_label(stored['step'])
    status.fail(Message('the update was interrupted during "{step}"', step=step), unless_set=True)
    status.data['failed_step'] = status.data['failed_step'] or stored['step']
    rollback(settings, status)
    status.finish('failed')


def resume_after_start(settings: Settings) -> None:
    """Called first thing at server start-up, before the database is opened.

    - state restarting: this process is the restarted server; confirm it answers, in a thread.
    - state running / rolling_back with a free lock: the updating process died; roll back now, and
      exec the old code when this process already loaded the new one.
    """
    if os.environ.get(VERIFY_ENV):
        return
    stored = read_record(settings)
    if stored['state'] not in ACTIVE_STATES:
        return
    lock = UpdateLock(settings)
    if not lock.acquire():
        return  # another process (manage.py update) is on it
    status = Status(settings, stored)
    if stored['state'] == 'restarting':
        expected = status.plan.get('expected_version', '')
        if current_version() == expected:
            threading.Thread(target=_confirm, args=(settings, status, lock), daemon=True, name='update-confirm').start()
            return
        found = current_version()
        status.fail(
            Message('after the restart the code is {found}, not {expected}', found=found, expected=expected),
            unless_set=True,
        )
    step = step_label(stored['step'])
    status.fail(
        Message('{step} was interrupted: the server stopped during the update (killed or powered off)', step=step),
        unless_set=True,
    )
    status.data['failed_step'] = status.data['failed_step'] or stored['step']
    if status.plan.get('code_switched'):
        status.plan['new_code_running'] = True
    said = status.public().error_said
    status.log(said[0].message() if said else status.data['error'], 'error')
    try:
        rollback(settings, status)
    except Exception as exc:  # noqa: BLE001
        status.log(Message('rollback failed: {problem}', problem=exc), 'error')
    if status.plan.get('code_restored') or status.plan.get('requirements_started'):
        status.data['state'] = 'restarting'
        status.plan['expected_version'] = status.data['from_version']
        status.plan['outcome'] = 'failed'
        status.plan['new_code_running'] = False
        status.log(Message('starting {version} again', version=status.data['from_version']))
        lock.release()
        replace_process(settings)
    status.finish('failed')
    lock.release()


def _confirm(settings: Settings, status: Status, lock: UpdateLock) -> None:
    try:
        expected = status.plan.get('expected_version', '')
        outcome = status.plan.get('outcome', 'succeeded')
        status.data['steps']['restart'] = 'done'
        status.data['step'] = 'confirm'
        status.data['steps']['confirm'] = 'running'
        status.save()
        problem = answers_as(local_url(settings), expected, settings.update_verify_timeout)
        if not problem:
            status.data['steps']['confirm'] = 'done'
            status.log(Message('the server answers as {version}', version=expected))
            if outcome == 'succeeded':
                status.log(Message('update to {version} complete', version=expected))
            status.finish(outcome)
            return
        status.data['steps']['confirm'] = 'failed'
        status.log(Message('the restarted server did not answer: {problem}', problem=problem), 'error')
        if outcome == 'succeeded':
            status.fail(Message('Confirm failed: {problem}', problem=problem))
            status.data['failed_step'] = 'confirm'
            status.plan['new_code_running'] = True
            rollback(settings, status)
            restart_into(status, status.data['from_version'], 'failed')
            return
        status.finish('failed')
    finally:
        lock.release()
