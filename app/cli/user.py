"""`manage.py user ...`: accounts from the command line."""

from __future__ import annotations

import getpass
import sys

from app import i18n
from app.cli.bootstrap import open_db
from app.cli.errors import CliError, verb
from app.cli.output import table
from app.i18n import Message, _, render
from app.services import links, two_factor, users
from app.services.errors import ServiceError


def _ask_password() -> str:
    """The password from standard input: on a terminal asked twice without echo (again until both agree
    and it is long enough), else the first line of standard input."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise CliError(Message('no password given: pass --password or type it on standard input'))
        return line.rstrip('\n')
    while True:
        first = getpass.getpass(_('Password: '))
        second = getpass.getpass(_('Password again: '))
        try:
            return users.validate_password(first, second)
        except ServiceError as exc:
            print(_('{problem} Try again (Ctrl+C gives up).', problem=exc.render()))


def _ask_username() -> str:
    """A missing username: asked for on a terminal until a valid one is typed; a script must pass it."""
    if not sys.stdin.isatty():
        raise CliError(Message('no username given: pass --username NAME'))
    while True:
        try:
            return users.validate_username(input(_('Username: ')))
        except ServiceError as exc:
            print(_('{problem} Try again (Ctrl+C gives up).', problem=exc.render()))
        except EOFError:
            raise CliError(Message('no username given: pass --username NAME')) from None


class TwoFactorCommands:
    """Two-factor login of an account."""

    @verb
    def reset(self, username: str | None = None) -> None:
        """Turn off two-factor login for a user who lost their phone and their recovery codes: they log in
        with the password alone (and set it up again if the installation requires it). Audited."""
        if username is None:
            raise CliError(Message('no username given: pass --username NAME'))
        open_db()
        user = users.get_user_by_username(str(username))
        if not two_factor.is_enabled(user):
            print(_('{username} does not use two-factor login; nothing to reset.', username=repr(user.username)))
            return
        two_factor.reset(user, actor=f'manage.py run by {getpass.getuser()}')
        print(
            _(
                'Two-factor login of {username} reset: the password alone logs in until it is set up again.',
                username=repr(user.username),
            )
        )


class UserCommands:
    """Create, list and manage accounts; `user 2fa reset --username U` for a lost phone."""

    def __init__(self) -> None:
        # "2fa" is not a Python name; Fire finds the group as an attribute all the same.
        setattr(self, '2fa', TwoFactorCommands())

    @verb
    def create(
        self,
        username: str | None = None,
        password: str | None = None,
        admin: bool = False,
        presets: bool = True,
        language: str | None = None,
        locale: str | None = None,
    ) -> None:
        """Create an account. On a terminal, what is missing is asked for: the username, then the password
        twice without echo.

        A new account takes the currency, locale and time zone of the first administrator. A username
        deleted earlier (without --delete-data) comes back with its expenses, categories and payment
        methods. A new empty account gets the starting categories and payment methods, unless --nopresets
        is given. --language en|fr sets the account's language (and names its starting categories in it);
        --locale fr-FR its number and date format.
        """
        open_db()
        if username is None:
            username = _ask_username()
        if password is None:
            password = _ask_password()
        account = users.create_account(
            str(username),
            str(password),
            is_admin=bool(admin),
            presets=bool(presets),
            language=i18n.current(),
            account_language=None if language is None else str(language),
            locale=None if locale is None else str(locale),
        )
        user = account.user
        if user.is_admin:
            print(_('Created administrator {username} (id {id}).', username=repr(user.username), id=user.id))
        else:
            print(_('Created user {username} (id {id}).', username=repr(user.username), id=user.id))
        if account.was_restored:
            expenses, categories, methods = account.restored
            print(
                _(
                    'Restored its data: {expenses} expense(s), {categories} categories, {methods} payment method(s).',
                    expenses=expenses,
                    categories=categories,
                    methods=methods,
                )
            )
        elif presets:
            categories, methods = account.presets
            print(
                _(
                    'Added the starting {categories} categories and {methods} payment methods.',
                    categories=categories,
                    methods=methods,
                )
            )

    @verb
    def list(self) -> None:
        """List the accounts."""
        open_db()
        linked = links.linked_usernames()
        rows = [
            (
                u.id,
                u.username,
                _('yes') if u.is_admin else '',
                u.created_at.strftime('%Y-%m-%d %H:%M'),
                ', '.join(linked.get(u.id, [])),
            )
            for u in users.list_users()
        ]
        if not rows:
            print(_('No accounts yet: open the app to run the setup wizard, or use `user create`.'))
            return
        print(table([_('id'), _('username'), _('admin'), _('created (UTC)'), _('linked with')], rows))

    @verb
    def delete(self, username: str, delete_data: bool = False) -> None:
        """Delete an account. Its data stays (and comes back if the username is created again) unless
        --delete-data is given. The last administrator cannot be deleted."""
        open_db()
        report = users.delete_user(users.get_user_by_username(str(username)), delete_data=bool(delete_data))
        print(render(report.message()))

    @verb
    def passwd(self, username: str, password: str | None = None, keep_tokens: bool = False) -> None:
        """Set a user's password (asked twice without echo). Every session of that user ends, and every
        personal API token of theirs is revoked unless --keep-tokens is given."""
        open_db()
        user = users.get_user_by_username(str(username))
        if password is None:
            password = _ask_password()
        report = users.reset_password(user, str(password), revoke_tokens=not keep_tokens)
        print(render(report.message()))
        if not keep_tokens:
            print(_('Their scripts using a personal API token need a new token (pass --keep-tokens to keep them).'))

    @verb
    def admin(self, username: str, revoke: bool = False) -> None:
        """Make a user administrator, or with --revoke a plain user (never the last administrator)."""
        open_db()
        user = users.set_admin(users.get_user_by_username(str(username)), not revoke)
        if user.is_admin:
            print(_('{username} is now an administrator.', username=repr(user.username)))
        else:
            print(_('{username} is no longer an administrator.', username=repr(user.username)))

    @verb
    def link(self, user1: str, user2: str) -> None:
        """Link two accounts at once: each sees and may edit the expenses, categories and payment
        methods of the other."""
        open_db()
        print(render(links.link_users(None, str(user1), str(user2)).message()))

    @verb
    def unlink(self, user1: str, user2: str) -> None:
        """Unlink two accounts. Nothing is lost: an expense that uses the other's category or payment
        method gets a copy of it in its owner's account."""
        open_db()
        report = links.unlink_users(None, str(user1), str(user2))
        print(render(report.message()))
