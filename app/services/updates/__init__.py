"""Updating the installation in place: check, back up, switch, install, migrate, verify, restart.

Any failure rolls back what was done: the previous code, the previous requirements, the database as it
was just before the migrations, and a restart of the old server when the running one could have been
touched. One update at a time (lock.py). The modules, along the way an update goes:

- status.py: the record on disk (data/update-status.json) and the `UpdateStatus` everyone reads;
- lock.py: the flock that makes a second update a Conflict;
- releases.py: the check for a newer version and its daily cache (sources are in update_sources.py);
- runner.py and snapshots.py: the steps, and the database snapshot taken before the migrations;
- restart.py: restarting the server into a version and waiting until it answers as that version;
- recovery.py: the rollback, and the next start's recovery after a crash;
- server_run.py and cli_run.py: an update started from the page or API, and from `manage.py update`.

This module only gathers what the rest of the app calls.
"""

from app.services.updates.cli_run import run_from_cli
from app.services.updates.lock import UpdateLock, is_running
from app.services.updates.recovery import resume_after_start
from app.services.updates.releases import CHECK_INTERVAL, UpdateCheck, cached_check, check
from app.services.updates.restart import replace_process, set_restart_handler
from app.services.updates.runner import VERIFY_ENV
from app.services.updates.server_run import start
from app.services.updates.status import (
    ACTIVE_STATES,
    STEPS,
    LogLine,
    StepFailed,
    StepProgress,
    UpdateStatus,
    read_status,
    status_path,
)

__all__ = [
    'ACTIVE_STATES',
    'CHECK_INTERVAL',
    'STEPS',
    'VERIFY_ENV',
    'LogLine',
    'StepFailed',
    'StepProgress',
    'UpdateCheck',
    'UpdateLock',
    'UpdateStatus',
    'cached_check',
    'check',
    'is_running',
    'read_status',
    'replace_process',
    'resume_after_start',
    'run_from_cli',
    'set_restart_handler',
    'start',
    'status_path',
]
