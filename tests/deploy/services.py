"""Real servers for the deployment tests, each on a free loopback port in a temporary folder: Redis,
nginx and Caddy from Debian's packages, started here and stopped when the test ends.

A missing binary skips the test on a developer machine and fails it in CI (.ci/run installs them)."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.conftest import in_ci
from tests.e2e.harness import free_port
from tests.polling import wait_until

PACKAGES = {'nginx': 'nginx', 'redis-server': 'redis-server', 'caddy': 'caddy', 'openssl': 'openssl'}


def binary(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(p) for p in (Path('/usr/sbin') / name, Path('/usr/bin') / name) if p.exists()), None
    )


def need(name: str) -> str:
    """The path of a program the test cannot do without: skipped without it, except in CI."""
    found = binary(name)
    if found is None:
        message = f'{name} is missing: install the Debian package {PACKAGES.get(name, name)}'
        if in_ci():
            pytest.fail(message + ' (CI must run the deployment tests; .ci/run installs it)')
        pytest.skip(message)
    return found


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=1):
            return True
    except OSError:
        return False


def handshakes(port: int) -> bool:
    """A TLS handshake with whatever certificate succeeds on this port."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=2) as raw, context.wrap_socket(raw):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throw-away Redis (nothing saved to disk); yields its redis:// URL."""
    program = need('redis-server')
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    args = [program, '--port', str(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
    process = subprocess.Popen(
        [*args, '--dir', str(folder), '--logfile', str(folder / 'redis.log')],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: accepts(port), 30, failure=lambda: 'redis-server did not start')
        yield f'redis://127.0.0.1:{port}/0'
    finally:
        _stop(process)


NGINX_MAIN = """worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
"""


@contextmanager
def nginx(folder: Path, site: str, ports: list[int]) -> Iterator[Path]:
    """nginx with `site` (a file of docs/deploy, its addresses replaced) included in the http block, the
    way Debian's /etc/nginx/nginx.conf includes sites-enabled/*. Yields the folder (logs are there)."""
    program = need('nginx')
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'site.conf').write_text(site)
    (folder / 'nginx.conf').write_text(NGINX_MAIN.format(folder=folder, site=folder / 'site.conf'))
    check = subprocess.run([program, '-t', '-p', str(folder), '-c', str(folder / 'nginx.conf')], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    process = subprocess.Popen(
        [program, '-p', str(folder), '-c', str(folder / 'nginx.conf')],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: all(accepts(p) for p in ports), 30, failure=lambda: _log(folder / 'error.log'))
        yield folder
    finally:
        _stop(process)


@contextmanager
def caddy(folder: Path, caddyfile: str, ports: list[int]) -> Iterator[Path]:
    """Caddy running `caddyfile` (its certificates from Caddy's own local authority, kept in `folder`)."""
    program = need('caddy')
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'Caddyfile').write_text(caddyfile)
    env = {
        'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
        'HOME': str(folder),
        'XDG_DATA_HOME': str(folder / 'data'),
        'XDG_CONFIG_HOME': str(folder / 'config'),
    }
    check = subprocess.run(
        [program, 'validate', '--config', str(folder / 'Caddyfile'), '--adapter', 'caddyfile'],
        capture_output=True,
        env=env,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    log = (folder / 'caddy.log').open('w')
    process = subprocess.Popen(
        [program, 'run', '--config', str(folder / 'Caddyfile'), '--adapter', 'caddyfile'],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        # the port opens before Caddy's local authority has issued the certificate: wait for a handshake
        wait_until(lambda: all(handshakes(p) for p in ports), 60, failure=lambda: _log(folder / 'caddy.log'))
        yield folder
    finally:
        _stop(process)
        log.close()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, made with openssl for the TLS configurations."""
    program = need('openssl')
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / 'cert.pem', folder / 'key.pem'
    made = subprocess.run(
        [
            program,
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-days',
            '2',
            '-subj',
            '/CN=localhost',
            '-addext',
            'subjectAltName=DNS:localhost,IP:127.0.0.1',
            '-keyout',
            str(key),
            '-out',
            str(cert),
        ],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    return cert, key


def _log(path: Path) -> str:
    return path.read_text() if path.exists() else f'{path} is empty'


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A throw-away PostgreSQL cluster (Debian's server binaries; run as `postgres` when we are root, in
    a folder of its own under /tmp, which pytest's private folders would not let it into); yields the
    URL of its database `wis`."""
    bins = sorted(Path('/usr/lib/postgresql').glob('*/bin/initdb'))
    if not bins:
        message = 'PostgreSQL is missing: install the Debian package postgresql'
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    bindir = bins[-1].parent
    folder = Path(tempfile.mkdtemp(prefix='wis-deploy-pg-'))
    prefix: list[str] = []
    if os.getuid() == 0:
        shutil.chown(folder, 'postgres', 'postgres')
        prefix = ['runuser', '-u', 'postgres', '--']
    folder.chmod(0o700)
    data = folder / 'data'
    subprocess.run(
        [*prefix, str(bindir / 'initdb'), '-D', str(data), '-U', 'wis', '-A', 'trust', '-E', 'UTF8', '--no-sync'],
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = f'-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100'
    subprocess.run(
        [
            *prefix,
            str(bindir / 'pg_ctl'),
            '-D',
            str(data),
            '-l',
            str(folder / 'server.log'),
            '-w',
            'start',
            '-o',
            options,
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [*prefix, str(bindir / 'createdb'), '-h', '127.0.0.1', '-p', str(port), '-U', 'wis', 'wis'],
            check=True,
            capture_output=True,
        )
        yield f'postgresql://wis@127.0.0.1:{port}/wis'
    finally:
        subprocess.run(
            [*prefix, str(bindir / 'pg_ctl'), '-D', str(data), '-m', 'immediate', '-w', 'stop'], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)
