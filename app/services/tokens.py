"""Personal API tokens: 256 random bits shown once, stored only as an HMAC keyed with API_KEY_SALT."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from app.config import get_settings
from app.models import ApiToken, User, utcnow
from app.services.errors import Invalid, NotFound

TOKEN_PREFIX = 'wis_'


def token_hmac(token: str) -> str:
    salt = get_settings().api_key_salt.encode()
    return hmac.new(salt, token.encode('utf-8', 'surrogatepass'), hashlib.sha256).hexdigest()


def is_installation_key(key: str | None) -> bool:
    """Constant-time comparison with API_KEY, so the key cannot be guessed byte by byte."""
    if not key:
        return False
    return hmac.compare_digest(key.encode('utf-8', 'surrogatepass'), get_settings().api_key.encode())


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    name = (name or '').strip()
    if not name or len(name) > 80:
        raise Invalid('Give the token a name of 1 to 80 characters, such as "phone shortcut".', field='name')
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.create(user=user, name=name, token_hmac=token_hmac(token))
    return row, token


def user_for_api_token(token: str | None) -> User | None:
    if not token or len(token) > 200 or not token.startswith(TOKEN_PREFIX):
        return None
    digest = token_hmac(token)
    row = (
        ApiToken.select(ApiToken, User)
        .join(User)
        .where((ApiToken.token_hmac == digest) & User.deleted_at.is_null())
        .first()
    )
    if row is None or not hmac.compare_digest(row.token_hmac, digest):
        return None
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.update(last_used_at=now).where(ApiToken.id == row.id).execute()
    return row.user


def list_tokens(user: User | None = None) -> list[ApiToken]:
    query = ApiToken.select(ApiToken, User).join(User).order_by(ApiToken.id)
    if user is not None:
        query = query.where(ApiToken.user == user)
    return list(query)


def revoke_token(token_id: int, user: User | None = None) -> None:
    """Revoke a token; with `user`, only one of that user's own."""
    query = ApiToken.delete().where(ApiToken.id == token_id)
    if user is not None:
        query = query.where(ApiToken.user == user)
    if query.execute() == 0:
        raise NotFound(f'No API token with id {token_id}; list them to see their ids.')
