"""Personal API tokens: 256 random bits shown once, stored only as an HMAC keyed with API_KEY_SALT."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from app import prepared
from app.config import get_settings
from app.db import write_transaction
from app.i18n import Message
from app.models import ApiToken, User, utcnow
from app.services import audit, sessions
from app.services.errors import Conflict, Invalid, NotFound, Unauthorized
from app.services.timestamps import Timestamp, as_utc, maybe_utc
from app.services.validation import strip_invisible

TOKEN_PREFIX = 'wis_'
MAX_TOKENS_PER_USER = 50
MAX_ID = 2**63 - 1


def token_hmac(token: str) -> str:
    salt = get_settings().api_key_salt.encode()
    return hmac.new(salt, token.encode('utf-8', 'surrogatepass'), hashlib.sha256).hexdigest()


def is_installation_key(key: str | None) -> bool:
    """Constant-time comparison with API_KEY, so the key cannot be guessed byte by byte."""
    if not key:
        return False
    return hmac.compare_digest(key.encode('utf-8', 'surrogatepass'), get_settings().api_key.encode())


def _shown(row: ApiToken) -> tuple[int, str, datetime, datetime | None]:
    return row.id, row.name, as_utc(row.created_at), maybe_utc(row.last_used_at)


@dataclass(frozen=True, slots=True)
class TokenView:
    """What may be shown of a token after its creation: never the token itself."""

    id: int
    name: str
    created_at: Timestamp
    last_used_at: Timestamp | None

    @classmethod
    def of(cls, row: ApiToken) -> TokenView:
        return cls(*_shown(row))


@dataclass(frozen=True, slots=True)
class NewToken(TokenView):
    """A token just created: the one time the token itself is shown."""

    token: str

    @classmethod
    def made(cls, row: ApiToken, token: str) -> NewToken:
        return cls(*_shown(row), token)


@dataclass(frozen=True, slots=True)
class HeldToken(TokenView):
    """A token with the name of its user, for the command line that lists everyone's. The API declares
    `TokenView`, so the username (the caller's own) is not sent there."""

    username: str

    @classmethod
    def held(cls, row: ApiToken) -> HeldToken:
        return cls(*_shown(row), row.user.username)


SESSION_ENDED = Message('Your session has ended (logged out, password changed or account removed); log in again.')


def create_token(user: User, name: str, *, ip: str = '', session: str | None = None) -> tuple[ApiToken, str]:
    """A new personal token for `user`; returns the row and the token, which is shown this once only.

    `session` is the session token of the page or request asking (the CLI and a caller authenticated by a
    personal token have none): it must still be a live session of `user`, checked here and not only by
    the page, so that a page left open across a logout or a password reset cannot mint a token that
    outlives it."""
    if session is not None and not sessions.is_live(session, user.id):
        raise Unauthorized(SESSION_ENDED)
    name = strip_invisible((name or '').strip())  # a name of zero-width characters only is no name
    if not name or len(name) > 80 or any(ord(c) < 32 for c in name):
        raise Invalid(Message('Give the token a name of 1 to 80 characters, such as "phone shortcut".'), field='name')
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction():  # the count and the insert under one lock: two racing creates cannot pass the cap
        if ApiToken.select().where(ApiToken.user == user.id).count() >= MAX_TOKENS_PER_USER:
            raise Conflict(
                Message(
                    'You already have {max_tokens_per_user} tokens; revoke one you no longer use first.',
                    max_tokens_per_user=MAX_TOKENS_PER_USER,
                )
            )
        row = ApiToken.create(user=user, name=name, token_hmac=token_hmac(token))
    audit.record('token_created', user, ip=ip, detail=f'token {row.id} "{name}"')
    return row, token


@dataclass(frozen=True)
class FoundToken:
    """A personal token's user, and whether its last use is worth writing down (older than a minute)."""

    token_id: int
    user: User
    stale: bool


def find_api_token(token: str | None) -> FoundToken | None:
    """The live user behind a personal token, read only (one prepared query): the API's hot path runs it on
    the event loop and writes the last use, when stale, through `touch` in a worker thread."""
    if not token or len(token) > 200 or not token.startswith(TOKEN_PREFIX):
        return None
    digest = token_hmac(token)
    row = prepared.first(
        'api token',  # every API call: its SQL built once (app/prepared.py)
        lambda: (
            ApiToken.select(ApiToken, User)
            .join(User)
            .where((ApiToken.token_hmac == digest) & User.deleted_at.is_null())
            .limit(1)
        ),
        [digest, 1],
    )
    if row is None or not hmac.compare_digest(row.token_hmac, digest):
        return None
    stale = row.last_used_at is None or (utcnow() - row.last_used_at).total_seconds() > 60
    return FoundToken(row.id, row.user, stale)


def touch(token_id: int) -> None:
    """Write down a token's last use (Settings › API tokens shows it)."""
    with write_transaction():
        ApiToken.update(last_used_at=utcnow()).where(ApiToken.id == token_id).execute()


def user_for_api_token(token: str | None) -> User | None:
    found = find_api_token(token)
    if found is None:
        return None
    if found.stale:
        touch(found.token_id)
    return found.user


def revoke_all(user: User) -> int:
    """Revoke every personal token of `user` (after an administrator's password reset); returns how many."""
    with write_transaction():  # a savepoint inside the reset's own transaction
        return ApiToken.delete().where(ApiToken.user == user.id).execute()  # type: ignore[misc]  # types-peewee: Model.delete


def list_tokens(user: User | None = None) -> list[HeldToken]:
    """The tokens of `user` (all users' when None, for the CLI), oldest first."""
    query = ApiToken.select(ApiToken, User).join(User).order_by(ApiToken.id)
    if user is not None:
        query = query.where(ApiToken.user == user.id)
    return [HeldToken.held(row) for row in query]


def revoke_token(token_id: int, user: User | None = None, *, ip: str = '') -> HeldToken:
    """Revoke a token at once; with `user`, only one of that user's own (others' look nonexistent)."""
    query = ApiToken.select(ApiToken, User).join(User).where(ApiToken.id == token_id)
    if user is not None:
        query = query.where(ApiToken.user == user.id)
    row = query.first() if 0 < token_id <= MAX_ID else None
    if row is None:
        raise NotFound(Message('No API token with id {token_id}; list the tokens to see their ids.', token_id=token_id))
    view = HeldToken.held(row)
    with write_transaction():
        row.delete_instance()
    audit.record('token_revoked', row.user, ip=ip, detail=f'token {view.id} "{view.name}"')
    return view
