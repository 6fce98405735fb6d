"""Starting, stopping and watching the server process: `manage.py server ...` and `manage.py status`.

The running server writes `data/server.pid` (JSON: pid, host, port, start time) when it starts and
removes it when it stops. A pidfile whose process is gone, or belongs to another program since the
pid was reused, is stale: it is reported and removed. Stopping sends SIGTERM, waits, then SIGKILL.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

from app.config import Settings
from app.i18n import Message
from app.services.errors import Conflict, Forbidden, Invalid
from app.version import ROOT

log = logging.getLogger('whatispend.server')

STOP_TIMEOUT = 15.0
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class ServerState:
    running: bool
    pid: int | None = None
    host: str = ''
    port: int | None = None
    started_at: datetime | None = None
    uptime_seconds: float | None = None
    memory_bytes: int | None = None
    cpu_percent: float | None = None
    stale_pid: int | None = None  # a pidfile was found for a process that is gone (and was removed)

    @property
    def address(self) -> str:
        if self.port is None:
            return ''
        host = self.host or '127.0.0.1'
        if host in ('0.0.0.0', '::', ''):
            return f'http://127.0.0.1:{self.port} (listening on all interfaces)'
        return f'http://{host}:{self.port}'


def pidfile_path(settings: Settings) -> Path:
    return settings.data_path / 'server.pid'


def console_log_path(settings: Settings) -> Path:
    """Where a background server's stdout and stderr go (start-up crashes land here)."""
    return settings.data_path / 'logs' / 'server-console.log'


# --- the server's own side --------------------------------------------------------------------------


def write_pidfile(settings: Settings) -> None:
    """Called by the server at start-up. Another live server of this data folder keeps its pidfile."""
    current = _read_pidfile(settings)
    if current and current.get('pid') != os.getpid() and _live_process(current) is not None:
        log.warning('another server (pid %s) already owns %s; not replacing it', current['pid'], pidfile_path(settings))
        return
    me = psutil.Process()
    record = {
        'pid': me.pid,
        'host': settings.host,
        'port': settings.port,
        'create_time': me.create_time(),
        'started_at': datetime.now(UTC).isoformat(timespec='seconds'),
        'executable': sys.executable,
    }
    path = pidfile_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix('.pid.tmp')
    temporary.write_text(json.dumps(record), encoding='utf-8')
    os.replace(temporary, path)


def remove_pidfile(settings: Settings) -> None:
    """Called by the server when it stops: removes the pidfile only if it is this process's."""
    current = _read_pidfile(settings)
    if current and current.get('pid') == os.getpid():
        pidfile_path(settings).unlink(missing_ok=True)


# --- the controlling side ---------------------------------------------------------------------------


def _read_pidfile(settings: Settings) -> dict | None:
    """The pidfile's record. A bare pid (as older code and the updater write it) is accepted too."""
    try:
        text = pidfile_path(settings).read_text(encoding='utf-8').strip()
    except OSError:
        return None
    if text.isdigit():
        return {'pid': int(text)}
    try:
        record = json.loads(text)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get('pid'), int):
        return None
    return record


def _live_process(record: dict) -> psutil.Process | None:
    """The process the pidfile names, if it is still that process (not a later one with a reused pid)."""
    try:
        process = psutil.Process(record['pid'])
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        created = record.get('create_time')
        if isinstance(created, int | float):
            return None if abs(process.create_time() - created) > 1.0 else process
        # no start time recorded: it must at least be a What I Spend server
        return process if any(part.endswith('main.py') for part in process.cmdline()) else None
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None


def server_status(settings: Settings, *, measure_cpu: bool = True) -> ServerState:
    """Whether the server of this installation runs, and how it is doing. Cleans a stale pidfile."""
    path = pidfile_path(settings)
    record = _read_pidfile(settings)
    if record is None:
        if path.exists():  # unreadable: left by a crash mid-write
            path.unlink(missing_ok=True)
            return ServerState(running=False, stale_pid=-1)
        return ServerState(running=False)
    process = _live_process(record)
    if process is None:
        path.unlink(missing_ok=True)
        log.info('removed a stale pidfile for pid %s', record['pid'])
        return ServerState(running=False, stale_pid=record['pid'])
    try:
        with process.oneshot():
            created = process.create_time()
            memory = process.memory_info().rss
        cpu = process.cpu_percent(interval=0.2) if measure_cpu else None
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return ServerState(running=False, stale_pid=record['pid'])
    return ServerState(
        running=True,
        pid=process.pid,
        host=str(record.get('host', '')),
        port=record.get('port'),
        started_at=datetime.fromtimestamp(created, UTC),
        uptime_seconds=max(0.0, time.time() - created),
        memory_bytes=memory,
        cpu_percent=cpu,
    )


def port_problem(host: str, port: int) -> Message | None:
    """A sentence saying why the server could not listen on host:port, or None when it can."""
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                holder = _port_holder(port)
                if holder:
                    return Message(
                        'Port {port} on {host} is already in use by {holder}; stop that program, or choose another '
                        'port with --port or PORT in config.env.',
                        port=port,
                        host=host,
                        holder=holder,
                    )
                return Message(
                    'Port {port} on {host} is already in use; stop that program, or choose another port '
                    'with --port or PORT in config.env.',
                    port=port,
                    host=host,
                )
            if exc.errno == errno.EACCES:
                return Message(
                    'No permission to listen on port {port}; use a port above 1023 or run with the needed rights.',
                    port=port,
                )
            if exc.errno == errno.EADDRNOTAVAIL:
                return Message(
                    '{host} is not an address of this machine; use 0.0.0.0, 127.0.0.1 or one of its addresses.',
                    host=host,
                )
            return Message('Cannot listen on {host}:{port}: {error}.', host=host, port=port, error=exc.strerror or exc)
    return None


def _port_holder(port: int) -> str:
    try:
        for conn in psutil.net_connections(kind='inet'):
            if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN and conn.pid:
                try:
                    return f'{psutil.Process(conn.pid).name()} (pid {conn.pid})'
                except psutil.Error:
                    return f'pid {conn.pid}'
    except (psutil.Error, OSError):
        pass
    return ''


def _server_command() -> list[str]:
    return [sys.executable, str(ROOT / 'main.py')]


def _server_env(host: str, port: int, *, background: bool = False) -> dict[str, str]:
    env = {**os.environ, 'HOST': host, 'PORT': str(port)}
    if background:  # the rotating log file has every record; the console file keeps only crashes
        env['WIS_LOG_CONSOLE'] = 'false'
    return env


def check_startable(settings: Settings, host: str | None, port: int | None) -> tuple[str, int]:
    """The address to start on; refuses first when this installation's server already runs (saying where,
    and how to stop or restart it) or when the address cannot be listened on."""
    state = server_status(settings, measure_cpu=False)
    if state.running:
        raise Conflict(
            Message(
                'The server is already running (pid {pid}) at {address}. Stop it with '
                '`manage.py server stop`, or use `manage.py server restart`.',
                pid=state.pid,
                address=state.address,
            )
        )
    host = str(host) if host else settings.host
    try:
        port = int(port) if port is not None else settings.port
    except (TypeError, ValueError):
        raise Invalid(
            Message("--port '{port}' is not a port number; use a whole number from 1 to 65535.", port=port)
        ) from None
    if not 1 <= port <= 65535:
        raise Invalid(Message('--port {port} is out of range; use a whole number from 1 to 65535.', port=port))
    problem = port_problem(host, port)
    if problem:
        raise Conflict(problem)
    return host, port


def start_foreground(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Replace this process by the server (same pid, so Ctrl+C and service managers work as expected)."""
    host, port = check_startable(settings, host, port)
    log.info('starting the server in the foreground on %s:%s', host, port)
    os.chdir(ROOT)
    os.execve(sys.executable, _server_command(), _server_env(host, port))


def start_background(
    settings: Settings, host: str | None = None, port: int | None = None, timeout: float = START_TIMEOUT
) -> ServerState:
    """Start the server detached from this terminal and wait until it accepts connections."""
    host, port = check_startable(settings, host, port)
    console = console_log_path(settings)
    console.parent.mkdir(parents=True, exist_ok=True)
    if console.exists() and console.stat().st_size > settings.log_max_bytes:
        os.replace(console, console.with_name(console.name + '.1'))
    offset = console.stat().st_size if console.exists() else 0
    with console.open('ab') as sink:
        process = subprocess.Popen(
            _server_command(),
            cwd=ROOT,
            env=_server_env(host, port, background=True),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    log.info('starting the server in the background (pid %s) on %s:%s', process.pid, host, port)
    probe_host = '127.0.0.1' if host in ('0.0.0.0', '') else ('::1' if host == '::' else host)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Conflict(
                Message(
                    'The server stopped while starting (exit code {code}). Its output:\n{output}',
                    code=process.returncode,
                    output=_tail(console, offset),
                )
            )
        record = _read_pidfile(settings)
        if record and record.get('pid') == process.pid and _accepts(probe_host, port):
            return server_status(settings, measure_cpu=False)
        time.sleep(0.1)
    process.kill()
    process.wait(5)
    output = _tail(console, offset)
    raise Conflict(
        Message(
            'The server did not answer within {timeout} s and was stopped. Its output:\n{output}',
            timeout=format(timeout, 'g'),
            output=output,
        )
    )


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _tail(path: Path, offset: int, limit: int = 4000) -> str:
    try:
        with path.open('rb') as handle:
            handle.seek(offset)
            text = handle.read().decode('utf-8', errors='replace')
    except OSError:
        return '(no output)'
    return text[-limit:].strip() or '(no output)'


@dataclass(frozen=True)
class StopResult:
    pid: int
    killed: bool  # SIGTERM was not enough


def stop(settings: Settings, timeout: float = STOP_TIMEOUT) -> StopResult | None:
    """Stop the running server: SIGTERM, then SIGKILL after `timeout` seconds. None if none was running."""
    record = _read_pidfile(settings)
    process = _live_process(record) if record else None
    if record is None or process is None:
        server_status(settings, measure_cpu=False)  # cleans a stale pidfile
        return None
    killed = False
    log.info('stopping the server (pid %s)', process.pid)
    try:
        process.terminate()
        process.wait(timeout)
    except psutil.TimeoutExpired:
        log.warning('the server (pid %s) ignored SIGTERM for %.0f s; killing it', process.pid, timeout)
        process.kill()
        process.wait(10)
        killed = True
    except psutil.NoSuchProcess:
        pass
    except psutil.AccessDenied:
        raise Forbidden(
            Message(
                'No permission to stop the server (pid {pid}): it runs as another user; run this command as that user.',
                pid=process.pid,
            )
        ) from None
    pidfile_path(settings).unlink(missing_ok=True)
    return StopResult(pid=record['pid'], killed=killed)


def restart(
    settings: Settings, host: str | None = None, port: int | None = None
) -> tuple[StopResult | None, ServerState]:
    """Stop the server if it runs, then start it in the background on the same address (unless given)."""
    state = server_status(settings, measure_cpu=False)
    if state.running:
        host = host or state.host or None
        port = port if port is not None else state.port
    stopped = stop(settings)
    return stopped, start_background(settings, host=host, port=port)
