"""install.sh in a copy of the repository: config.env written once with mode 600, never overwritten."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_install_setup_is_idempotent(tmp_path: Path) -> None:
    copy = tmp_path / 'whatispend'
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=ROOT, capture_output=True, text=True)
    for name in files.stdout.splitlines():
        source = ROOT / name
        if source.is_file() and not name.startswith(('tests/', 'docs/')):
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    venv = Path(sys.prefix)
    (copy / '.venv').symlink_to(venv)  # the suite's own venv: its install stamps make pip a no-op
    env = {'PATH': os.environ['PATH'], 'HOME': str(tmp_path)}

    first = subprocess.run(['./install.sh', 'setup'], cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    config = copy / 'config.env'
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    text = config.read_text()
    for name in (
        'API_KEY=',
        'API_KEY_SALT=',
        'HOST=0.0.0.0',
        'PORT=3000',
        'SESSION_DURATION=24',
        'RATE_LIMIT=50',
        'GEOIP_ENABLED=false',
        'GEOIP_LICENSE_KEY=',
        'DATABASE_URL=sqlite:///data/whatispend.db',
        'STORAGE_SECRET=',
    ):
        assert f'\n{name}' in text, name
    assert (copy / 'data' / 'whatispend.db').exists()

    config.write_text(text + '\n# my own note\n')
    second = subprocess.run(['./install.sh', 'setup'], cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert 'Keeping the existing config.env' in second.stdout
    assert config.read_text() == text + '\n# my own note\n'

    # a v2.4 config.env (no STORAGE_SECRET): kept byte for byte, the secret added once, mode 600
    from tests.test_config import V24_CONFIG

    config.write_bytes(V24_CONFIG.replace(b'PORT=3000', b'PORT=3000\r\nDATABASE_URL=sqlite:///data/whatispend.db'))
    config.chmod(0o644)
    (copy / 'data' / 'whatispend.db').chmod(0o644)
    before = config.read_bytes()
    for attempt in range(2):
        run = subprocess.run(['./install.sh', 'setup'], cwd=copy, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout + run.stderr
        assert run.stderr.count('Added STORAGE_SECRET to config.env') == (1 - attempt), run.stderr
        assert config.read_bytes().startswith(before + b'\n') and config.read_bytes().count(b'STORAGE_SECRET=') == 1
        assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE((copy / 'data').stat().st_mode) == 0o700
    assert stat.S_IMODE((copy / 'data' / 'whatispend.db').stat().st_mode) == 0o600  # fixed by db migrate

    help_text = subprocess.run(['./install.sh', '--help'], cwd=copy, env=env, capture_output=True, text=True)
    assert './install.sh test' in help_text.stdout and help_text.returncode == 0
