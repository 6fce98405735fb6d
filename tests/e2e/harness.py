"""A real What I Spend server in a subprocess, on a free loopback port, with its own data folder."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import API_KEY, test_environment
from tests.polling import wait_until

ROOT = Path(__file__).resolve().parents[2]
READY_LINE = 'What I Spend started'
LOG_LINE = re.compile(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d')  # how our log lines begin
# Every server started by a test, so that a fixture can fail the test when one of them logged a problem.
STARTED: list[Server] = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    folder: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen | None = None
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    def api(self, path: str) -> str:
        joiner = '&' if '?' in path else '?'
        return f'{self.url}/sysapi/{path.lstrip("/")}{joiner}key={API_KEY}'

    def problems(self) -> list[str]:
        """Tracebacks and ERROR (or CRITICAL) lines the server printed: a user saw something break."""
        found = []
        in_traceback = False
        for line in self.output:
            if line.startswith('Traceback') or ' ERROR ' in line or ' CRITICAL ' in line:
                found.append(line.rstrip())
                in_traceback = line.startswith('Traceback')
            elif in_traceback and not LOG_LINE.match(line):
                found.append(line.rstrip())  # the traceback's body: where it broke, not only that it did
            else:
                in_traceback = False
        return found

    def start(self, timeout: float = 60) -> Server:
        STARTED.append(self)
        self.process = subprocess.Popen(
            [sys.executable, 'main.py'],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        ready = threading.Event()

        def pump() -> None:
            assert self.process and self.process.stdout
            for line in self.process.stdout:
                self.output.append(line)
                if READY_LINE in line:
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(timeout) or self.process.poll() is not None:
            self.stop()
            raise RuntimeError('the server did not start:\n' + ''.join(self.output))
        self._wait_for_port(timeout)
        return self

    def _wait_for_port(self, timeout: float) -> None:
        """Startup hooks run before uvicorn binds the socket: wait for the socket to accept."""

        def accepts() -> bool:
            try:
                httpx.get(self.url + '/login', timeout=5)
            except httpx.TransportError:
                return False
            return True

        wait_until(
            accepts,
            timeout,
            every=0.02,
            failure=lambda: 'the server never accepted connections:\n' + ''.join(self.output),
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def make_server(folder: Path, **overrides: str) -> Server:
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
        'HOME': os.environ.get('HOME', str(folder)),
        **test_environment(folder),
        'HOST': '127.0.0.1',
        'PORT': str(port),
        'LOG_LEVEL': 'info',
        # under pytest, the server checks each prepared query against peewee (app/prepared.py); a bench's does not
        'WIS_CHECK_PREPARED': os.environ.get('WIS_CHECK_PREPARED', '0'),
        **overrides,
    }
    return Server(folder=folder, port=port, env=env)
