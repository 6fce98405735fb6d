"""`manage.py balances --username U` in a subprocess against the test installation (issue 20, item 6)."""

from __future__ import annotations

from app.services import balances
from tests.builders import add, basics, link, make_user
from tests.test_cli_user import manage  # noqa: F401  (the fixture)


def test_balances_of_a_couple_and_their_settlement(manage) -> None:  # noqa: F811
    alice, bob = make_user('alice'), make_user('bob')
    link(alice, bob)
    things = basics(alice)
    add(alice, things, '50.00', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    result = manage('balances', '--username', 'bob')
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split()[:1] == ['alice'] and '25,00' in line for line in lines), result.stdout
    assert 'bob pays 25,00\u00a0€ to alice' in result.stdout
    balances.create_settlement(bob, bob.id, alice.id, '25', '2026-01-20')
    result = manage('balances', '--username', 'alice', '--month', '2026-01')
    assert result.returncode == 0 and 'Everyone is settled up.' in result.stdout


def test_unknown_user_and_bad_month_fail_cleanly(manage) -> None:  # noqa: F811
    make_user('alice')
    result = manage('balances', '--username', 'nobody')
    assert result.returncode == 1 and 'error:' in result.stderr and 'Traceback' not in result.stderr
    result = manage('balances', '--username', 'alice', '--month', '2026-13')
    assert result.returncode == 1 and 'error:' in result.stderr and 'Traceback' not in result.stderr
    assert manage('balances').returncode == 1
