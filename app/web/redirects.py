"""Where to go after login: only a path of this site, never another host (no open redirect)."""

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str = '/') -> str:
    if not target or len(target) > 2000:
        return default
    target = target.strip()
    if '\\' in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith('/') or target.startswith('//'):
        return default
    if target.startswith(('/login', '/setup', '/auth/')):
        return default
    return target
