"""One Settings object, read from config.env and then from environment variables of the same names.

Environment variables win so that a service manager, a container or a test can override one value
without editing the file. A malformed value stops start-up with a message that names the variable
and says what it expects: running with a half-understood configuration is worse than not running.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from app.i18n import Message
from app.version import ROOT


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message says which and how to fix it.

    It carries a Message: `str()` is English (logs), the CLI and the server's console render it in the
    operator's language."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def _int(minimum: int | None = None, maximum: int | None = None) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ConfigError(
                Message(
                    '{name}={value} is not a whole number; {expected}',
                    name=name,
                    value=repr(raw),
                    expected=_range_text(minimum, maximum),
                )
            ) from None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise ConfigError(
                Message(
                    '{name}={value} is out of range; {expected}',
                    name=name,
                    value=value,
                    expected=_range_text(minimum, maximum),
                )
            )
        return value

    return parse


def _float(minimum: float) -> Callable[[str, str], float]:
    def parse(name: str, raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ConfigError(
                Message(
                    '{name}={value} is not a number; expected a number >= {minimum}',
                    name=name,
                    value=repr(raw),
                    minimum=f'{minimum:g}',
                )
            ) from None
        if value != value or value < minimum:
            raise ConfigError(
                Message(
                    '{name}={value} is out of range; expected a number >= {minimum}',
                    name=name,
                    value=repr(raw),
                    minimum=f'{minimum:g}',
                )
            )
        return value

    return parse


def _range_text(minimum: int | None, maximum: int | None) -> Message:
    if minimum is not None and maximum is not None:
        return Message('expected a whole number from {minimum} to {maximum}', minimum=minimum, maximum=maximum)
    if minimum is not None:
        return Message('expected a whole number >= {minimum}', minimum=minimum)
    return Message('expected a whole number')


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {'1', 'true', 'yes', 'on'}:
        return True
    if value in {'0', 'false', 'no', 'off', ''}:
        return False
    raise ConfigError(Message('{name}={value} is not a boolean; expected true or false', name=name, value=repr(raw)))


def _choice(*choices: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ConfigError(
                Message(
                    '{name}={value} is not allowed; expected one of: {choices}',
                    name=name,
                    value=repr(raw),
                    choices=', '.join(choices),
                )
            )
        return value

    return parse


def _text(name: str, raw: str) -> str:
    return raw.strip()


def _countries(name: str, raw: str) -> tuple[str, ...]:
    codes = tuple(code.strip().upper() for code in raw.split(',') if code.strip())
    for code in codes:
        if len(code) != 2 or not code.isalpha():
            raise ConfigError(
                Message(
                    '{name}: {code} is not a country code; expected ISO codes such as FR,BE,CH',
                    name=name,
                    code=repr(code),
                )
            )
    return codes


def _networks(name: str, raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for part in (p.strip() for p in raw.split(',')):
        if not part:
            continue
        if part == '*':
            raise ConfigError(
                Message('{name}: "*" would trust any client to forge its address; list the proxy addresses', name=name)
            )
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(
                Message(
                    '{name}: {part} is not an IP address or network such as 127.0.0.1 or 10.0.0.0/8',
                    name=name,
                    part=repr(part),
                )
            ) from None
    return tuple(networks)


def _hex_secret(name: str, raw: str) -> str:
    value = raw.strip()
    if len(value) < 16:
        raise ConfigError(
            Message(
                '{name} is missing or shorter than 16 characters; run ./install.sh or set a random value', name=name
            )
        )
    return value


def _redis_url(name: str, raw: str) -> str:
    value = raw.strip()
    if value and not value.startswith(('redis://', 'rediss://', 'unix://')):
        raise ConfigError(
            Message(
                '{name}={value} is not supported; expected redis://host:6379/0, rediss://... or unix:///path',
                name=name,
                value=repr(raw),
            )
        )
    return value


def _database_url(name: str, raw: str) -> str:
    value = raw.strip()
    if not value.startswith(('sqlite://', 'postgres://', 'postgresql://', 'postgresext://')):
        raise ConfigError(
            Message(
                '{name}={value} is not supported; expected sqlite:///path/to/file.db or postgresql://...',
                name=name,
                value=repr(raw),
            )
        )
    return value


@dataclass(frozen=True)
class Settings:
    """Every knob of the installation. Field names are the config.env variable names, lower-cased."""

    api_key: str
    api_key_salt: str
    storage_secret: str
    host: str = '0.0.0.0'
    port: int = 3000
    session_duration: int = 24
    rate_limit: int = 50
    rate_limit_burst: int = 0
    login_max_failures: int = 5
    login_window_minutes: int = 15
    geoip_enabled: bool = False
    geoip_license_key: str = ''
    geoip_allowed_countries: tuple[str, ...] = ('FR',)
    geoip_db_path: str = 'data/GeoLite2-Country.mmdb'
    geoip_unknown: str = 'allow'
    geoip_download_url: str = 'https://download.maxmind.com/app/geoip_download'
    forwarded_allow_ips: tuple[Any, ...] = ()
    cookie_secure: str = 'auto'
    database_url: str = 'sqlite:///data/whatispend.db'
    nicegui_redis_url: str = ''
    log_level: str = 'info'
    log_max_bytes: int = 5_000_000
    log_backup_count: int = 5
    backup_interval_hours: float = 24
    backup_keep: int = 14
    backup_dir: str = ''
    map_tile_url: str = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
    map_attribution: str = '&copy; OpenStreetMap contributors'
    update_remote: str = 'origin'
    update_branch: str = 'main'
    update_source: str = ''
    update_check: bool = True
    update_pip_args: str = ''
    update_restart: str = 'exec'
    update_verify_timeout: int = 120
    timezone: str = ''
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 4
    data_dir: str = 'data'
    import_max_mb: int = 50
    receipt_max_mb: int = 10
    rates_url: str = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml'  # '' : no daily fetch
    extra: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def effective_burst(self) -> int:
        return self.rate_limit_burst or 2 * self.rate_limit

    def path(self, value: str) -> Path:
        """A path from the configuration, relative paths being relative to the project folder."""
        candidate = Path(value)
        return candidate if candidate.is_absolute() else ROOT / candidate

    @property
    def data_path(self) -> Path:
        return self.path(self.data_dir)

    @property
    def backup_path(self) -> Path:
        """BACKUP_DIR, or `backups/` beside the data folder (the project's backups/ by default)."""
        return self.path(self.backup_dir) if self.backup_dir else self.data_path.parent / 'backups'


_PARSERS: dict[str, Callable[[str, str], Any]] = {
    'API_KEY': _hex_secret,
    'API_KEY_SALT': _hex_secret,
    'STORAGE_SECRET': _hex_secret,
    'HOST': _text,
    'PORT': _int(1, 65535),
    'SESSION_DURATION': _int(1, 24 * 366),
    'RATE_LIMIT': _int(1, 100_000),
    'RATE_LIMIT_BURST': _int(0, 1_000_000),
    'LOGIN_MAX_FAILURES': _int(1, 1000),
    'LOGIN_WINDOW_MINUTES': _int(1, 24 * 60),
    'GEOIP_ENABLED': _bool,
    'GEOIP_LICENSE_KEY': _text,
    'GEOIP_ALLOWED_COUNTRIES': _countries,
    'GEOIP_DB_PATH': _text,
    'GEOIP_UNKNOWN': _choice('allow', 'deny'),
    'GEOIP_DOWNLOAD_URL': _text,
    'FORWARDED_ALLOW_IPS': _networks,
    'COOKIE_SECURE': _choice('auto', 'true', 'false'),
    'DATABASE_URL': _database_url,
    'NICEGUI_REDIS_URL': _redis_url,
    'LOG_LEVEL': _choice('debug', 'info', 'warning', 'error'),
    'LOG_MAX_BYTES': _int(10_000),
    'LOG_BACKUP_COUNT': _int(1, 1000),
    'BACKUP_INTERVAL_HOURS': _float(0),
    'BACKUP_KEEP': _int(1, 10_000),
    'BACKUP_DIR': _text,
    'MAP_TILE_URL': _text,
    'MAP_ATTRIBUTION': _text,
    'UPDATE_REMOTE': _text,
    'UPDATE_BRANCH': _text,
    'UPDATE_SOURCE': _text,
    'UPDATE_CHECK': _bool,
    'UPDATE_PIP_ARGS': _text,
    'UPDATE_RESTART': _choice('exec', 'exit'),
    'UPDATE_VERIFY_TIMEOUT': _int(5, 3600),
    'TIMEZONE': _text,
    'ARGON2_TIME_COST': _int(1, 100),
    'ARGON2_MEMORY_COST': _int(8, 4 * 1024 * 1024),
    'ARGON2_PARALLELISM': _int(1, 64),
    'DATA_DIR': _text,
    'IMPORT_MAX_MB': _int(1, 10_000),
    'RECEIPT_MAX_MB': _int(1, 200),
    'RATES_URL': _text,
}


def config_path() -> Path:
    """config.env beside the code, unless WIS_CONFIG points elsewhere (tests, several instances)."""
    return Path(os.environ.get('WIS_CONFIG') or ROOT / 'config.env')


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments ignored; surrounding quotes removed."""
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        if line.startswith('export '):
            line = line[len('export ') :]
        key, sep, value = line.partition('=')
        if not sep or not key.strip().isidentifier():
            raise ConfigError(
                Message(
                    '{path}, line {number}: expected KEY=VALUE, found {found}',
                    path=str(path),
                    number=number,
                    found=repr(line[:40]),
                )
            )
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in '"\'':
            value = value[1:-1]
        values[key.strip()] = value
    return values


# The secrets an installation needs, with how many random bytes each gets. A config.env written by an
# older version (v2.4 had no STORAGE_SECRET) gains the missing ones instead of refusing to start.
SECRETS: dict[str, int] = {'API_KEY': 16, 'API_KEY_SALT': 16, 'STORAGE_SECRET': 32}


def add_missing_secrets(path: Path, environ: Mapping[str, str] | None = None) -> list[str]:
    """Append a fresh random value for each secret that neither `path` nor the environment sets.

    The existing lines are kept byte for byte (appended, never rewritten) and a file written to is made 600.
    Nothing happens when the file does not exist: ./install.sh writes a complete one."""
    environ = os.environ if environ is None else environ
    try:
        original = path.read_bytes()
    except FileNotFoundError:
        return []
    present = read_env_file(path)
    missing = [name for name in SECRETS if name not in present and name not in environ]
    if missing:
        lines = ''.join(f'{name}={secrets.token_hex(SECRETS[name])}\n' for name in missing)
        separator = b'' if not original or original.endswith(b'\n') else b'\n'
        with path.open('ab') as handle:
            handle.write(separator + f'# Added by What I Spend (required since 3.0)\n{lines}'.encode())
        os.chmod(path, 0o600)  # it now holds a key written by us (start-up and migrate fix the rest)
    return missing


def complete_config(path: Path | None = None) -> list[str]:
    """At start-up (server, CLI, install.sh): add what a v2.4 config.env lacks, saying so once."""
    path = path or config_path()
    try:
        added = add_missing_secrets(path)
    except OSError as exc:
        raise ConfigError(
            Message(
                'cannot complete {path}: {reason}; make it writable or set the secrets',
                path=str(path),
                reason=exc.strerror,
            )
        ) from None
    for name in added:
        print(f'Added {name} to {path.name}', file=sys.stderr)
    return added


def restrict_umask() -> None:
    """Files the server and the CLI create (database, WAL, logs, backups) are for the owner alone."""
    os.umask(0o077)


def load(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read the configuration; raises ConfigError naming the first bad variable."""
    environ = dict(os.environ if environ is None else environ)
    raw = read_env_file(path or config_path())
    for name in _PARSERS:
        if name in environ:
            raw[name] = environ[name]
    values: dict[str, Any] = {}
    for name, parser in _PARSERS.items():
        if name in raw:
            values[name.lower()] = parser(name, raw[name])
    for required in ('API_KEY', 'API_KEY_SALT', 'STORAGE_SECRET'):
        if required.lower() not in values:
            raise ConfigError(
                Message(
                    '{name} is not set; run ./install.sh to create config.env, or set it in the environment',
                    name=required,
                )
            )
    known = {f.name for f in fields(Settings)}
    extra = {k: v for k, v in raw.items() if k.lower() not in known}
    return Settings(**values, extra=extra)


_current: Settings | None = None


def get_settings() -> Settings:
    """The settings of this process, loaded once."""
    global _current
    if _current is None:
        _current = load()
    return _current


def use_settings(settings: Settings | None) -> None:
    """Replace the settings of this process (start-up, tests)."""
    global _current
    _current = settings


VARIABLES: tuple[str, ...] = tuple(_PARSERS)
