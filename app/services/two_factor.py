"""Two-factor login: a TOTP code (any authenticator app) after the password, or a one-time recovery code.

A code is accepted within one 30-second step either side of the server's clock (phones drift), and only
once: the last accepted time step is stored per user and a code for that step or an earlier one is
refused, so a code seen over a shoulder or in a proxy log cannot be replayed. Recovery codes are random
(50 bits), shown once, stored as SHA-256 and marked used in the same UPDATE that accepts them.

An administrator can require two-factor login for everyone (`require_two_factor`, stored in the database
so every app process sees it); users without it are sent to set it up after logging in.
API tokens are not affected: they are already a second secret, made in a logged-in session.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno

from app.db import write_transaction
from app.i18n import Message
from app.models import InstallationSetting, RecoveryCode, User, utcnow
from app.services import audit, passwords
from app.services.errors import Invalid

ISSUER = 'What I Spend'
RECOVERY_CODES = 10
STEP_SECONDS = 30
VALID_WINDOW = 1  # steps either side of now
REQUIRE_KEY = 'require_two_factor'
RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'  # no 0/o, 1/l/i: read aloud or typed from paper

WRONG_CODE = Message(
    'That code is wrong or was already used; type the 6-digit code your app shows now, or a recovery code.'
)


@dataclass(frozen=True, slots=True)
class Enrolment:
    """What the Settings page shows while two-factor login is being set up."""

    secret: str
    uri: str
    qr_data_url: str  # an SVG data URL made by segno from the URI: an <img src>, never HTML from a string


# Where a user whom the installation requires to use two-factor login sets it up (pages and login send them)
SETUP_PAGE = '/settings?tab=account'


def is_enabled(user: User) -> bool:
    return bool(user.totp_secret)


def is_required() -> bool:
    row = InstallationSetting.get_or_none(InstallationSetting.key == REQUIRE_KEY)
    return row is not None and row.value == '1'


def set_required(required: bool, *, actor: User | None = None, ip: str = '') -> bool:
    """An administrator's switch: every account must use two-factor login (those without it set it up)."""
    if actor is not None and not actor.is_admin:
        raise Invalid(Message('Only an administrator can change this setting; ask one.'))
    with write_transaction():
        value = '1' if required else '0'
        # an upsert both databases speak (INSERT OR REPLACE is SQLite's alone)
        InstallationSetting.insert(key=REQUIRE_KEY, value=value).on_conflict(
            conflict_target=[InstallationSetting.key], update={InstallationSetting.value: value}
        ).execute()
    audit.record('two_factor_required' if required else 'two_factor_optional', actor, ip=ip)
    return required


def needs_setup(user: User) -> bool:
    """True when the installation requires two-factor login and this user has not set it up yet."""
    return not is_enabled(user) and is_required()


def _qr_data_url(uri: str) -> str:
    # Black on white whatever the theme: scanners need the contrast. The URI holds only base32 and the
    # (validated) username, and segno escapes it; the page shows it as an <img>, never as HTML.
    return segno.make(uri, error='m').svg_data_uri(scale=5, border=2, dark='#000', light='#fff')


def begin_enable(user: User) -> Enrolment:
    """A new secret, kept as pending until a code from it is confirmed (so a mistyped scan locks no one out)."""
    secret = pyotp.random_base32()
    with write_transaction():
        User.update(totp_pending=secret).where(User.id == user.id).execute()
    user.totp_pending = secret
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return Enrolment(secret=secret, uri=uri, qr_data_url=_qr_data_url(uri))


def _digits(code: str) -> str:
    return re.sub(r'[\s-]', '', code or '')


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step whose code this is, within the window, or None."""
    code = _digits(code)
    if not re.fullmatch(r'\d{6}', code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _now() -> float:
    return time.time()  # time-machine freezes it in tests


def confirm_enable(user: User, code: str, *, ip: str = '') -> list[str]:
    """Turn two-factor login on once a code from the new secret is right; returns the recovery codes (shown once)."""
    fresh = User.get_by_id(user.id)
    if not fresh.totp_pending:
        raise Invalid(Message('Start again: press "Set up two-factor login" to get a new QR code.'), field='code')
    step = _matching_step(fresh.totp_pending, code, _now())
    if step is None:
        raise Invalid(
            Message('That code does not match; type the 6-digit code your app shows now for What I Spend.'),
            field='code',
        )
    codes = _new_recovery_codes()
    with write_transaction():
        User.update(totp_secret=fresh.totp_pending, totp_pending='', totp_last_step=step).where(
            User.id == user.id
        ).execute()
        RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()  # type: ignore[misc]  # types-peewee: Model.delete
        RecoveryCode.insert_many([{'user': user.id, 'code_hash': _hash(c)} for c in codes]).execute()
    user.totp_secret, user.totp_pending, user.totp_last_step = fresh.totp_pending, '', step
    audit.record('two_factor_enabled', user, ip=ip)
    return codes


def _new_recovery_codes() -> list[str]:
    def one() -> str:
        raw = ''.join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        return f'{raw[:5]}-{raw[5:]}'

    return [one() for _ in range(RECOVERY_CODES)]


def _hash(code: str) -> str:
    return hashlib.sha256(_digits(code).lower().encode()).hexdigest()


def verify(user: User, code: str) -> bool:
    """A TOTP code not used before, or an unused recovery code (then used up). Refuses replays."""
    if not is_enabled(user):
        return False
    step = _matching_step(user.totp_secret, code, _now())
    if step is not None:
        # The step only moves forward, in one UPDATE: two requests with the same code cannot both pass.
        with write_transaction():
            moved = (
                User.update(totp_last_step=step).where((User.id == user.id) & (User.totp_last_step < step)).execute()
            )
        return moved == 1
    cleaned = _digits(code).lower()
    if not re.fullmatch(r'[a-z0-9]{10}', cleaned):
        return False
    with write_transaction():
        used = (
            RecoveryCode.update(used_at=utcnow())
            .where(
                (RecoveryCode.user == user.id)
                & (RecoveryCode.code_hash == _hash(cleaned))
                & (RecoveryCode.used_at.is_null())
            )
            .execute()
        )
    if used == 1:
        audit.record('recovery_code_used', user, detail=f'{remaining_recovery_codes(user)} left')
    return used == 1


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.select().where((RecoveryCode.user == user.id) & RecoveryCode.used_at.is_null()).count()


def _clear(user: User) -> None:
    with write_transaction():
        User.update(totp_secret='', totp_pending='', totp_last_step=0).where(User.id == user.id).execute()
        RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()  # type: ignore[misc]  # types-peewee: Model.delete
    user.totp_secret, user.totp_pending, user.totp_last_step = '', '', 0


def disable(user: User, password: str, code: str, *, ip: str = '') -> None:
    """Turn two-factor login off: needs the password and a code, so an unattended open page is not enough."""
    fresh = User.get_by_id(user.id)
    if not passwords.verify_password(fresh.password_hash, password or ''):
        raise Invalid(Message('The password is wrong; type your current password.'), field='password')
    if not verify(fresh, code):
        raise Invalid(WRONG_CODE, field='code')
    _clear(user)
    audit.record('two_factor_disabled', user, ip=ip)


def reset(user: User, *, actor: str = 'manage.py', ip: str = '') -> None:
    """For a lost phone, by an administrator on the server: the user logs in with the password alone again
    (and is asked to set it up again if the installation requires it)."""
    _clear(user)
    audit.record('two_factor_reset', user, ip=ip, detail=f'by {actor}')
