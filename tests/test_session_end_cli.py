"""Issue 13 item 2 from the command line: `manage.py user passwd` revokes the user's personal API tokens
unless --keep-tokens, and says so."""

from __future__ import annotations

from app.models import ApiToken, Session
from app.services import sessions, tokens, users
from tests.conftest import make_user
from tests.test_cli_user import manage, ok  # noqa: F401 - the fixture

NEW = 'alice new password\n'


def test_passwd_revokes_tokens_unless_kept(manage) -> None:  # noqa: F811 - the fixture
    alice = make_user('alice')
    tokens.create_token(alice, 'script')
    sessions.create_session(alice)
    out = ok(manage('user', 'passwd', '--username', 'alice', '--keep-tokens', stdin=NEW))
    assert 'Password of alice changed; 1 session logged out, their personal API tokens still work.' in out
    assert (ApiToken.select().count(), Session.select().count()) == (1, 0)

    out = ok(manage('user', 'passwd', '--username', 'alice', stdin='alice newer password\n'))
    assert 'Password of alice changed; 0 sessions logged out, 1 personal API token revoked.' in out
    assert '--keep-tokens' in out
    assert ApiToken.select().count() == 0
    assert users.authenticate('alice', 'alice newer password') is not None


def test_passwd_help_tells_about_tokens(manage) -> None:  # noqa: F811 - the fixture
    result = manage('user', 'passwd', '--help')
    assert 'revoked unless --keep-tokens' in (result.stdout + result.stderr).replace('\n', ' ').replace('  ', ' ')
