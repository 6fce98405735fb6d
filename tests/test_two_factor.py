"""Issue 13 item 14: two-factor login with TOTP codes and recovery codes, time frozen with time-machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pyotp
import pytest
import time_machine

from app.models import AuditEvent, RecoveryCode, User
from app.services import login, sessions, two_factor
from app.services.errors import Invalid, TooManyRequests, Unauthorized
from tests.conftest import PASSWORD, make_user

NOW = datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC)  # 5 s into a 30-second step


def at(seconds: float = 0):
    return time_machine.travel(NOW + timedelta(seconds=seconds), tick=False)


def code_at(secret: str, seconds: float = 0) -> str:
    return pyotp.TOTP(secret).at(NOW + timedelta(seconds=seconds))


def enrolled(username: str = 'alice') -> tuple[User, str, list[str]]:
    user = make_user(username)
    with at(-120):
        enrolment = two_factor.begin_enable(user)
        codes = two_factor.confirm_enable(user, code_at(enrolment.secret, -120))
    return User.get_by_id(user.id), enrolment.secret, codes


def test_enrolment_shows_a_qr_code_made_from_the_uri_and_confirms_with_a_code(database) -> None:
    user = make_user('alice')
    enrolment = two_factor.begin_enable(user)
    assert enrolment.uri.startswith('otpauth://totp/') and enrolment.secret in enrolment.uri
    assert enrolment.qr_data_url.startswith('data:image/svg+xml')
    assert "<svg xmlns='http://www.w3.org/2000/svg'" in unquote(enrolment.qr_data_url)
    assert not two_factor.is_enabled(User.get_by_id(user.id))  # pending until a code confirms it
    with pytest.raises(Invalid) as wrong:
        two_factor.confirm_enable(user, '000000' if code_at(enrolment.secret) != '000000' else '111111')
    assert wrong.value.field == 'code' and 'does not match' in wrong.value.message
    with at(0):
        codes = two_factor.confirm_enable(user, code_at(enrolment.secret))
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = [row.code_hash for row in RecoveryCode.select()]
    assert len(stored) == 10 and not set(codes) & set(stored)  # stored hashed, never as typed
    assert two_factor.is_enabled(User.get_by_id(user.id))
    assert AuditEvent.get(AuditEvent.event == 'two_factor_enabled').username == 'alice'


def test_a_valid_code_an_old_code_and_a_replayed_code(database) -> None:
    user, secret, _ = enrolled()
    with at(0):
        assert two_factor.verify(user, code_at(secret, -30))  # one step back: phones drift
        assert not two_factor.verify(User.get_by_id(user.id), code_at(secret, -30))  # replayed
    with at(0):
        assert two_factor.verify(User.get_by_id(user.id), code_at(secret))  # now, a later step
        assert not two_factor.verify(User.get_by_id(user.id), code_at(secret))  # replayed
    with at(0):
        assert not two_factor.verify(User.get_by_id(user.id), code_at(secret, -61))  # two steps old: outside
    with at(60):
        assert not two_factor.verify(User.get_by_id(user.id), code_at(secret, -5))  # 65 s later: too old
        assert two_factor.verify(User.get_by_id(user.id), code_at(secret, 60))


def test_a_recovery_code_works_once(database) -> None:
    user, _, codes = enrolled()
    assert two_factor.verify(user, codes[0].upper())  # typed in capitals, with the dash
    assert not two_factor.verify(user, codes[0])
    assert two_factor.remaining_recovery_codes(user) == 9
    assert two_factor.verify(user, codes[1].replace('-', ''))
    assert not two_factor.verify(user, 'abcde-fghjk')


def test_login_needs_the_code_after_the_password(database) -> None:
    user, secret, codes = enrolled()
    with at(0):
        step = login.begin_login('alice', PASSWORD, ip='198.51.100.7')
        assert step.session is None and step.pending  # no session before the code
        with pytest.raises(Unauthorized):
            login.finish_login(step.pending, '123456' if code_at(secret) != '123456' else '654321')
        done = login.finish_login(step.pending, code_at(secret))
        assert sessions.user_for_token(done.session).id == user.id and done.device
        with pytest.raises(Unauthorized):  # the same code again, even with the same pending token
            login.finish_login(step.pending, code_at(secret))
        with pytest.raises(Unauthorized) as api:
            login.login('alice', PASSWORD)
        assert 'two-factor' in api.value.message
        assert login.login('alice', PASSWORD, code=codes[3])[0].id == user.id
    with at(login.PENDING_SECONDS + 1), pytest.raises(Unauthorized) as late:
        login.finish_login(step.pending, code_at(secret, login.PENDING_SECONDS + 1))
    assert late.value.message == login.PENDING_EXPIRED


def test_a_forged_pending_token_or_a_changed_password_voids_it(database) -> None:
    from app.services import users

    user, secret, _ = enrolled()
    with at(0):
        pending = login.begin_login('alice', PASSWORD).pending
        forged = pending.replace('p1.1.', 'p1.2.', 1)
        with pytest.raises(Unauthorized):
            login.finish_login(forged, code_at(secret))
        users.set_password(user, 'another password 1')
        with pytest.raises(Unauthorized) as refused:
            login.finish_login(pending, code_at(secret))
    assert refused.value.message == login.PENDING_EXPIRED


def test_wrong_codes_are_throttled_like_wrong_passwords(database) -> None:
    _, secret, _ = enrolled()
    with at(0):
        pending = login.begin_login('alice', PASSWORD, ip='203.0.113.9').pending
        wrong = '000000' if code_at(secret) != '000000' else '111111'
        for _ in range(5):
            with pytest.raises(Unauthorized):
                login.finish_login(pending, wrong, ip='203.0.113.9')
        with pytest.raises(TooManyRequests):
            login.finish_login(pending, code_at(secret), ip='203.0.113.9')


def test_disable_needs_the_password_and_a_code(database) -> None:
    user, secret, codes = enrolled()
    with at(0):
        with pytest.raises(Invalid) as bad_password:
            two_factor.disable(user, 'wrong', code_at(secret))
        assert bad_password.value.field == 'password'
        with pytest.raises(Invalid) as bad_code:
            two_factor.disable(user, PASSWORD, 'nonsense')
        assert bad_code.value.field == 'code'
        assert two_factor.is_enabled(User.get_by_id(user.id))
        two_factor.disable(user, PASSWORD, code_at(secret))
    assert not two_factor.is_enabled(User.get_by_id(user.id)) and RecoveryCode.select().count() == 0
    assert login.login('alice', PASSWORD)[1]


def test_the_administrator_requirement(database) -> None:
    admin = make_user('root', admin=True)
    bob = make_user('bob')
    assert not two_factor.is_required() and not login.begin_login('bob', PASSWORD).setup_two_factor
    with pytest.raises(Invalid):
        two_factor.set_required(True, actor=bob)
    two_factor.set_required(True, actor=admin)
    assert two_factor.is_required() and two_factor.needs_setup(bob)
    assert login.begin_login('bob', PASSWORD).setup_two_factor  # logged in, and sent to set it up
    assert AuditEvent.get(AuditEvent.event == 'two_factor_required').username == 'root'
    two_factor.set_required(False, actor=admin)
    assert not two_factor.needs_setup(bob)


def test_a_deleted_username_created_again_does_not_inherit_two_factor(database) -> None:
    from app.services import users

    user, _, _ = enrolled()
    make_user('root', admin=True)
    users.delete_user(user)
    again = make_user('alice')
    assert not two_factor.is_enabled(again) and RecoveryCode.select().count() == 0
    assert login.login('alice', PASSWORD)[1]
