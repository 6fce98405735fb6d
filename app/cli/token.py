"""`manage.py token ...`: personal API tokens from the command line."""

from __future__ import annotations

from datetime import datetime

from app.cli.bootstrap import open_db
from app.cli.errors import CliError, verb
from app.cli.output import table
from app.i18n import Message, _
from app.services import tokens, users


def _when(moment: datetime | None) -> str:
    return moment.strftime('%Y-%m-%d %H:%M') if moment else _('never')


class TokenCommands:
    """Create, list and revoke personal API tokens."""

    @verb
    def create(self, username: str, name: str) -> None:
        """Create a token for USERNAME; the token alone is printed on the last line (shown this once)."""
        open_db()
        user = users.get_user_by_username(str(username))
        row, token = tokens.create_token(user, str(name), ip='cli')
        print(
            _(
                'Created token {id} "{name}" for {username}. Store it now: it is not shown again.',
                id=row.id,
                name=row.name,
                username=user.username,
            )
        )
        print(token)

    @verb
    def list(self, username: str | None = None) -> None:
        """List the tokens (of one user with --username); the tokens themselves are never shown."""
        open_db()
        user = users.get_user_by_username(str(username)) if username is not None else None
        views = tokens.list_tokens(user)
        if not views:
            print(_('No API tokens.'))
            return
        rows = [(v.id, v.username, v.name, _when(v.created_at), _when(v.last_used_at)) for v in views]
        print(table([_('id'), _('user'), _('name'), _('created (UTC)'), _('last used (UTC)')], rows))

    @verb
    def revoke(self, id: int) -> None:  # noqa: A002 - the option is --id
        """Revoke the token with this id (see `token list`); it stops working at once."""
        if isinstance(id, bool) or not isinstance(id, int):
            raise CliError(Message('--id must be a token id (a whole number) such as 3, not {value}', value=repr(id)))
        open_db()
        view = tokens.revoke_token(id, ip='cli')
        print(_('Revoked token {id} "{name}" of {username}.', id=view.id, name=view.name, username=view.username))
