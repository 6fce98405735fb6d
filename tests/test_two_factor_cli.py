"""`manage.py user 2fa reset --username U`: a lost phone, handled by an administrator on the server."""

from __future__ import annotations

import pyotp

from app.models import AuditEvent, User
from app.services import login, two_factor
from tests.conftest import PASSWORD, make_user
from tests.test_cli_user import manage, ok  # noqa: F401 - the fixture

__all__ = ['manage']


def test_cli_reset_turns_two_factor_off_and_is_audited(manage) -> None:  # noqa: F811
    alice = make_user('alice')
    secret = two_factor.begin_enable(alice).secret
    two_factor.confirm_enable(alice, pyotp.TOTP(secret).now())
    assert 'two-factor' in str(login.CODE_NEEDED)
    out = ok(manage('user', '2fa', 'reset', '--username', 'alice'))
    assert "Two-factor login of 'alice' reset" in out
    assert not two_factor.is_enabled(User.get_by_id(alice.id))
    event = AuditEvent.get(AuditEvent.event == 'two_factor_reset')
    assert event.username == 'alice' and event.detail.startswith('by manage.py')
    assert login.login('alice', PASSWORD)[1]
    again = ok(manage('user', '2fa', 'reset', '--username', 'alice'))
    assert 'nothing to reset' in again
    unknown = manage('user', '2fa', 'reset', '--username', 'nobody')
    assert unknown.returncode == 1 and 'nobody' in unknown.stderr
    missing = manage('user', '2fa', 'reset')
    assert missing.returncode == 1 and '--username' in missing.stderr
