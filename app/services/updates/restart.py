"""Restarting the server into a version, and knowing when it answers as that version.

The server registers how it restarts itself (graceful shutdown, then exec or exit); the update asks for a
restart and the new process confirms (recovery.resume_after_start). From the command line, a running
server is found through data/server.pid and asked to restart by signal.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable

from app.config import Settings
from app.i18n import Message
from app.services.updates.status import Status

RESTART_EXIT_CODE = 3

_restart_handler: Callable[[], None] | None = None


def set_restart_handler(handler: Callable[[], None] | None) -> None:
    """The server registers how it restarts itself (graceful shutdown, then exec or exit)."""
    global _restart_handler
    _restart_handler = handler


def request_restart() -> bool:
    """Ask the server this process runs to restart; False when this process is no server."""
    if _restart_handler is None:
        return False
    _restart_handler()
    return True


def restart_command() -> list[str]:
    return [sys.executable, *sys.orig_argv[1:]]


def replace_process(settings: Settings) -> None:
    """Become a fresh server: exec the same command line (UPDATE_RESTART=exec) or exit for the service
    manager to start it again (UPDATE_RESTART=exit)."""
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    if settings.update_restart == 'exit':
        os._exit(RESTART_EXIT_CODE)
    os.execv(sys.executable, restart_command())


def restart_into(status: Status, version: str, outcome: str) -> None:
    """Ask the server to restart; the new process confirms (see recovery.resume_after_start)."""
    status.data['state'] = 'restarting'
    status.data['step'] = 'restart'
    status.data['steps']['restart'] = 'running'
    status.plan['expected_version'] = version
    status.plan['outcome'] = outcome
    if _restart_handler is None:
        status.data['steps']['restart'] = 'skipped'
        status.log(Message('no server to restart here; start it again to run the new version'), 'warning')
        status.finish(outcome)
        return
    status.log(Message('restarting the server into {version}', version=version))
    _restart_handler()


def running_server(settings: Settings) -> tuple[int, str] | None:
    """(pid, local url) of the server of this installation (data/server.pid), if one is running."""
    from app.services import server_control

    state = server_control.server_status(settings, measure_cpu=False)
    if not state.running or state.pid is None or state.pid == os.getpid():
        return None
    return state.pid, local_url(settings, state.host, state.port)


def local_url(settings: Settings, host: str | None = None, port: int | None = None) -> str:
    host = settings.host if host is None else host
    port = port or settings.port
    if host in ('', '0.0.0.0'):
        host = '127.0.0.1'
    elif host == '::':
        host = '[::1]'
    elif ':' in host:
        host = f'[{host}]'
    return f'http://{host}:{port}'


def answers_as(url: str, version: str, timeout: float, process: subprocess.Popen | None = None) -> str:
    """Wait until GET url/sysapi/health answers with `version`; '' on success, else why not."""
    import httpx

    deadline = time.monotonic() + timeout
    last = 'no answer'
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return f'the server exited with status {process.returncode} before answering'
        try:
            response = httpx.get(url + '/sysapi/health', timeout=5, trust_env=False)
            data = response.json() if response.status_code == 200 else {}
            if data.get('version') == version and data.get('status') == 'ok':
                return ''
            last = f'HTTP {response.status_code} {response.text[:200]}'
        except (httpx.HTTPError, ValueError) as exc:
            last = type(exc).__name__
        time.sleep(0.25)
    return f'no healthy answer as version {version} within {timeout:.0f} s (last: {last})'
