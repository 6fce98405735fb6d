from pathlib import Path

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
