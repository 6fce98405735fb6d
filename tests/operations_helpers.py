"""Running manage.py as a real subprocess against a test installation."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import test_environment
from tests.e2e.harness import free_port

ROOT = Path(__file__).resolve().parents[1]


def cli_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    return {
        'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
        'HOME': str(tmp_path),
        **test_environment(tmp_path),
        'HOST': '127.0.0.1',
        'PORT': str(free_port()),
        'LOG_LEVEL': 'info',
        **overrides,
    }


def cli(env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, 'manage.py', *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ok(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = cli(env, *args, stdin=stdin)
    assert done.returncode == 0, f'manage.py {" ".join(args)} failed:\n{done.stdout}\n{done.stderr}'
    return done.stdout


def refused(env: dict[str, str], *args: str) -> str:
    """A verb that must fail: exit code 1, the reason on stderr, nothing on stdout."""
    done = cli(env, *args)
    assert done.returncode == 1, f'manage.py {" ".join(args)} should have failed:\n{done.stdout}\n{done.stderr}'
    assert done.stderr.startswith('error: '), done.stderr
    return done.stderr


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
