"""The installed version, read from the VERSION file so that updates change one file only."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def current_version() -> str:
    try:
        return (ROOT / 'VERSION').read_text(encoding='utf-8').strip()
    except OSError:
        return '0.0.0'
