"""`manage.py user ...`: accounts from the command line."""

from __future__ import annotations

import getpass
import sys

from app.cli.common import CliError, open_db, table, verb
from app.services import users


def _ask_password() -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise CliError('no password given: pass --password or type it on standard input')
        return line.rstrip('\n')
    first = getpass.getpass('Password: ')
    second = getpass.getpass('Password again: ')
    if first != second:
        raise CliError('the two passwords differ; run the command again')
    return first


class UserCommands:
    """Create, list and manage accounts."""

    @verb
    def create(self, username: str, password: str | None = None, admin: bool = False) -> None:
        """Create an account. Without --password, the password is asked for without echo."""
        open_db()
        if password is None:
            password = _ask_password()
        make_admin = admin or users.count_users() == 0
        user = users.create_user(str(username), str(password), is_admin=make_admin)
        role = 'administrator' if user.is_admin else 'user'
        print(f'Created {role} {user.username!r} (id {user.id}).')

    @verb
    def list(self) -> None:
        """List the accounts."""
        open_db()
        rows = [
            (u.id, u.username, 'yes' if u.is_admin else '', u.created_at.strftime('%Y-%m-%d %H:%M'))
            for u in users.list_users()
        ]
        if not rows:
            print('No accounts yet: open the app to run the setup wizard, or use `user create`.')
            return
        print(table(['id', 'username', 'admin', 'created (UTC)'], rows))
