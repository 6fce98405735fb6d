import stat
from pathlib import Path

import httpx
import pytest

from app.config import ConfigError, load, read_env_file

BASE = {'API_KEY': 'a' * 32, 'API_KEY_SALT': 'b' * 32, 'STORAGE_SECRET': 'c' * 32}


def test_file_then_environment(tmp_path: Path) -> None:
    path = tmp_path / 'config.env'
    path.write_text(
        '# comment\nAPI_KEY='
        + 'k' * 32
        + '\nAPI_KEY_SALT="'
        + 's' * 32
        + '"\nSTORAGE_SECRET='
        + 'x' * 20
        + '\nPORT=4000\nSESSION_DURATION=12\n'
    )
    settings = load(path, environ={'PORT': '5000'})
    assert settings.api_key == 'k' * 32
    assert settings.api_key_salt == 's' * 32
    assert settings.port == 5000  # the environment wins
    assert settings.session_duration == 12


def test_defaults(tmp_path: Path) -> None:
    settings = load(tmp_path / 'missing.env', environ=BASE)
    assert (settings.host, settings.port, settings.session_duration, settings.rate_limit) == ('0.0.0.0', 3000, 24, 50)
    assert settings.geoip_enabled is False
    assert settings.geoip_allowed_countries == ('FR',)
    assert settings.effective_burst == 100
    assert (settings.argon2_memory_cost, settings.argon2_time_cost, settings.argon2_parallelism) == (65536, 3, 4)


@pytest.mark.parametrize(
    ('name', 'value', 'expected'),
    [
        ('PORT', 'abc', 'PORT'),
        ('PORT', '70000', 'from 1 to 65535'),
        ('SESSION_DURATION', '-1', 'SESSION_DURATION'),
        ('RATE_LIMIT', '0', 'RATE_LIMIT'),
        ('GEOIP_ENABLED', 'maybe', 'true or false'),
        ('GEOIP_ALLOWED_COUNTRIES', 'FRA', 'country code'),
        ('FORWARDED_ALLOW_IPS', '*', 'forge'),
        ('DATABASE_URL', 'mysql://x', 'DATABASE_URL'),
        ('COOKIE_SECURE', 'sometimes', 'auto, true, false'),
        ('BACKUP_INTERVAL_HOURS', 'nan', 'BACKUP_INTERVAL_HOURS'),
    ],
)
def test_malformed_values_name_the_variable(tmp_path: Path, name: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        load(tmp_path / 'missing.env', environ={**BASE, name: value})
    assert name in str(error.value)
    assert expected in str(error.value)


def test_missing_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match='API_KEY is not set'):
        load(tmp_path / 'missing.env', environ={'API_KEY_SALT': 'b' * 32, 'STORAGE_SECRET': 'c' * 32})


def test_bad_line(tmp_path: Path) -> None:
    path = tmp_path / 'config.env'
    path.write_text('this is not a setting\n')
    with pytest.raises(ConfigError, match='line 1'):
        read_env_file(path)


def test_main_refuses_bad_config(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import test_environment

    env = {**test_environment(tmp_path), 'PORT': 'abc', 'PATH': '/usr/bin:/bin'}
    result = subprocess.run([sys.executable, 'main.py'], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert 'PORT' in result.stderr and 'whole number' in result.stderr


# --- a v2.4 config.env (issue 13, item 15) and the modes of the installation's files (item 9) --------

V24_CONFIG = (
    b'# Expense Tracker Configuration\r\n'
    b'# API Keys (generate with the command above)\r\n'
    b'API_KEY=0123456789abcdef0123456789abcdef\r\n'
    b'API_KEY_SALT=fedcba9876543210fedcba9876543210\r\n'
    b'# Server Configuration\r\nHOST=0.0.0.0\r\nPORT=3000\r\n'
    b'# Session Configuration (in hours)\r\nSESSION_DURATION=24\r\n'
    b'# Rate Limiting (requests per second)\r\nRATE_LIMIT=50\r\n'
    b'# GeoIP (optional)\r\nGEOIP_ENABLED=false\r\nGEOIP_LICENSE_KEY='  # no newline at the end, as hand-edited
)


def test_a_v24_config_gains_the_missing_secret_once(tmp_path: Path) -> None:
    from app.config import add_missing_secrets

    path = tmp_path / 'config.env'
    path.write_bytes(V24_CONFIG)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match='STORAGE_SECRET is not set'):
        load(path, environ={})  # what 3.0 said, forever: install.sh kept the file
    assert add_missing_secrets(path, environ={}) == ['STORAGE_SECRET']
    data = path.read_bytes()
    assert data.startswith(V24_CONFIG + b'\n')
    added = data[len(V24_CONFIG) :].decode().splitlines()
    assert added[-1].startswith('STORAGE_SECRET=') and len(added[-1]) == len('STORAGE_SECRET=') + 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load(path, environ={}).storage_secret == added[-1].split('=', 1)[1]
    assert add_missing_secrets(path, environ={}) == []
    assert path.read_bytes() == data


def test_a_secret_from_the_environment_is_not_written(tmp_path: Path) -> None:
    from app.config import add_missing_secrets

    path = tmp_path / 'config.env'
    path.write_bytes(V24_CONFIG)
    assert add_missing_secrets(path, environ={'STORAGE_SECRET': 'e' * 32}) == []
    assert path.read_bytes() == V24_CONFIG
    assert add_missing_secrets(tmp_path / 'absent.env', environ={}) == []
    assert not (tmp_path / 'absent.env').exists()


@pytest.mark.sqlite_only(reason='the modes of the SQLite file and its WAL beside the data')
def test_secure_files_restricts_an_old_installation(tmp_path: Path) -> None:
    from app.config import get_settings
    from app.services.file_modes import secure_files

    settings = get_settings()
    database = Path(settings.database_url.removeprefix('sqlite:///'))
    logs = settings.data_path / 'logs'
    logs.mkdir(parents=True)
    settings.backup_path.mkdir(parents=True, exist_ok=True)
    files = [database, database.with_name(database.name + '-wal'), logs / 'whatispend.log']
    files.append(settings.backup_path / 'whatispend-2026-12-01.tar.gz')
    for path in files:
        path.write_bytes(b'x')
        path.chmod(0o644)
    for folder in (settings.data_path, logs, settings.backup_path):
        folder.chmod(0o755)
    assert secure_files(settings)
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
    assert {stat.S_IMODE(f.stat().st_mode) for f in (settings.data_path, logs, settings.backup_path)} == {0o700}
    assert secure_files(settings) == []


@pytest.mark.sqlite_only(reason='a v2.4 installation is a SQLite file in data/, whose mode (and its WAL) is checked')
def test_a_v24_installation_starts_and_its_files_are_private(tmp_path: Path) -> None:
    """A real server on a v2.4 config.env (no STORAGE_SECRET): it starts, the file keeps its lines byte
    for byte plus the new one, and the database, its WAL, the logs and the backups are 600 in 700 folders."""
    from tests.e2e.harness import Server, free_port, make_server

    config = tmp_path / 'config.env'
    config.write_bytes(V24_CONFIG)
    config.chmod(0o644)
    base = make_server(tmp_path, BACKUP_INTERVAL_HOURS='24')
    env = {k: v for k, v in base.env.items() if k not in ('API_KEY', 'API_KEY_SALT', 'STORAGE_SECRET')}
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data').chmod(0o755)
    for attempt in range(2):
        server = Server(folder=tmp_path, port=free_port(), env={**env, 'PORT': '0'})
        server.env['PORT'] = str(server.port)
        server.start()
        try:
            health = httpx.get(server.url + '/sysapi/health', timeout=10).json()
            assert health['status'] == 'ok'
        finally:
            server.stop()
        output = ''.join(server.output)
        assert output.count('Added STORAGE_SECRET to config.env') == (1 if attempt == 0 else 0), output
        assert not server.problems()
        data = config.read_bytes()
        assert data.startswith(V24_CONFIG + b'\n') and data.count(b'STORAGE_SECRET=') == 1
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    database = tmp_path / 'whatispend.db'
    private = [database, tmp_path / 'data' / 'logs' / 'whatispend.log', *(tmp_path / 'backups').glob('*.tar.gz')]
    private += [p for p in (tmp_path / 'whatispend.db-wal', tmp_path / 'whatispend.db-shm') if p.exists()]
    assert len(private) >= 3, private
    modes = {str(p): oct(stat.S_IMODE(p.stat().st_mode)) for p in private}
    assert set(modes.values()) == {'0o600'}, modes
    for folder in (tmp_path / 'data', tmp_path / 'data' / 'logs', tmp_path / 'backups'):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
