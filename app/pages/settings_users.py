"""Settings › Users (administrators): create accounts, reset passwords, make administrators, delete."""

from __future__ import annotations

from nicegui import run, ui

from app import i18n
from app.i18n import N_, _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.confirm_dialog import Marks, confirm_dialog
from app.pages.settings_two_factor import require_card
from app.services import formats, links, locale_choices, users

COLUMNS: list[dict] = [
    {'name': 'username', 'label': N_('Username'), 'field': 'username', 'align': 'left', 'sortable': True},
    {'name': 'role', 'label': N_('Role'), 'field': 'role', 'align': 'left'},
    {'name': 'linked', 'label': N_('Shares with'), 'field': 'linked', 'align': 'left'},
    {'name': 'created', 'label': N_('Created'), 'field': 'created', 'align': 'left', 'sortable': True},
    {'name': 'actions', 'label': '', 'field': 'id', 'align': 'right'},
]


# On a phone the table becomes one card per user (Quasar's grid mode), with the same buttons.
USER_CARD = r"""
<div class="q-pa-xs col-12">
  <q-card flat bordered>
    <q-card-section class="q-pb-xs">
      <div class="text-subtitle1 text-weight-medium" style="overflow-wrap:anywhere">{{ props.row.username }}</div>
      <div class="text-caption">{{ props.row.role_line }}</div>
      <div class="text-caption">{{ props.row.shares_line }}</div>
    </q-card-section>
    <q-card-actions class="q-pt-none">
      <q-btn flat no-caps icon="key" :label="props.row.password_label"
             @click="$parent.$emit('password', props.row)" />
      <q-btn flat no-caps
             :icon="props.row.is_admin ? 'remove_moderator' : 'admin_panel_settings'"
             :label="props.row.admin_label"
             @click="$parent.$emit('admin', props.row)" />
      <q-btn flat no-caps color="negative" icon="delete" :label="props.row.delete_label"
             @click="$parent.$emit('delete', props.row)" />
    </q-card-actions>
  </q-card>
</div>
"""
ACTIONS_CELL = r"""
<q-td :props="props" class="q-gutter-xs">
  <q-btn flat dense no-caps size="sm" icon="key" :label="props.row.password_label"
         @click="$parent.$emit('password', props.row)" />
  <q-btn flat dense no-caps size="sm"
         :icon="props.row.is_admin ? 'remove_moderator' : 'admin_panel_settings'"
         :label="props.row.admin_label"
         @click="$parent.$emit('admin', props.row)" />
  <q-btn flat dense no-caps size="sm" color="negative" icon="delete" :label="props.row.delete_label"
         @click="$parent.$emit('delete', props.row)" />
</q-td>
"""
# Quasar's reactive screen size: cards below 1024 px (the table with its buttons needs about 900), a table above.
PHONE_GRID = ':grid="Quasar.Screen.lt.md"'


def _rows(viewer: User, language: str) -> list[dict]:
    """The accounts as data (a worker thread: no words here, the page adds them in its language)."""
    linked = links.linked_usernames()
    return [
        {
            'id': u.id,
            'username': u.username,
            'is_admin': bool(u.is_admin),
            'linked': ', '.join(linked.get(u.id, [])) or '—',
            'created': formats.short_date(u.created_at.date(), viewer.locale, language=language),
        }
        for u in users.list_users()
    ]


def _worded(row: dict) -> dict:
    """A row with the words the table and the phone cards show, in the page's language."""
    role = _('Administrator') if row['is_admin'] else _('User')
    return {
        **row,
        'role': role,
        'role_line': _('{role} · created {date}', role=role, date=row['created']),
        'shares_line': _('Shares with: {names}', names=row['linked']),
        'password_label': _('Password'),
        'admin_label': _('Remove admin') if row['is_admin'] else _('Make admin'),
        'delete_label': _('Delete'),
    }


def _columns() -> list[dict]:
    return [{**column, 'label': _(label) if label else ''} for column in COLUMNS for label in [column['label']]]


def _created(account: users.NewAccount) -> str:
    if account.was_restored:
        return _('Created {username} with the data it had before.', username=account.user.username)
    return _('Created {username}.', username=account.user.username)


def _reset(user_id: int, password: str, revoke_tokens: bool) -> users.PasswordReset:
    return users.reset_password(users.get_user(user_id), password, revoke_tokens=revoke_tokens)


def _toggle_admin(user_id: int, is_admin: bool, actor: User) -> User:
    return users.set_admin(users.get_user(user_id), is_admin, actor=actor)


def _delete(user_id: int, delete_data: bool, actor: User) -> users.DeleteReport:
    return users.delete_user(users.get_user(user_id), delete_data=delete_data, actor=actor)


async def users_tab(user: User) -> None:
    dialogs = ui.element()
    await require_card(user)

    with ui.card().classes('w-full max-w-xl'):
        ui.label(_('New user')).classes('text-lg font-semibold')
        username = (
            ui.input(_('Username')).props('outlined dense autocomplete=off').classes('w-full').mark('new-username')
        )
        password = (
            ui.input(_('Password (8 characters or more)'), password=True, password_toggle_button=True)
            .props('outlined dense autocomplete=new-password')
            .classes('w-full')
            .mark('new-user-password')
        )
        with ui.row().classes('w-full gap-2 no-wrap max-sm:flex-wrap'):
            # a French household may create an English-speaking roommate: their words, their number style
            language = (
                ui.select({'': _('Automatic (browser)'), **i18n.LANGUAGES}, value=i18n.current(), label=_('Language'))
                .props('outlined dense')
                .classes('grow min-w-[10rem]')
                .mark('new-user-language')
            )
            locale = (
                ui.select(
                    locale_choices.locale_options(user.currency), value=user.locale, label=_('Number and date format')
                )
                .props('outlined dense')
                .classes('grow min-w-[10rem]')
                .mark('new-user-locale')
            )
        make_admin = ui.checkbox(_('Administrator')).mark('new-user-admin')
        presets = ui.checkbox(_('Start with the usual categories and payment methods'), value=True).mark(
            'new-user-presets'
        )
        ui.label(
            _(
                'A new user counts in your currency and time zone; they can change them, their language and '
                'number format in their Settings. Creating again a username that was deleted with its data kept '
                'brings that data back.'
            )
        ).classes('text-xs opacity-70')

        def emptied(_account: users.NewAccount) -> None:
            username.value = password.value = ''
            make_admin.value = False

        async def create() -> None:
            await call_service(
                users.create_account,
                username.value or '',
                password.value or '',
                is_admin=make_admin.value,
                presets=presets.value,
                creator=user,
                language=i18n.current(),
                account_language=language.value or '',
                locale=locale.value or None,
                fields={'username': username, 'password': password, 'language': language, 'locale': locale},
                busy=create_button,
                refresh=refresh,
                after=emptied,
                success=_created,
            )

        create_button = ui.button(_('Create user'), icon='person_add', on_click=create).mark('create-user')

    with ui.card().classes('w-full'):
        ui.label(_('Users')).classes('text-lg font-semibold')
        table = (
            ui.table(columns=_columns(), rows=[], row_key='id')
            .props(f'flat dense {PHONE_GRID}')
            .classes('w-full bg-transparent')
            .mark('users-table')
        )
        table.add_slot('body-cell-actions', ACTIONS_CELL)
        table.add_slot('item', USER_CARD)

    with ui.card().classes('w-full max-w-xl'):
        ui.label(_('Link two accounts')).classes('text-lg font-semibold')
        ui.label(
            _(
                "Linked accounts see and may edit each other's data at once, without an invitation. Unlinking "
                'keeps every expense: what one uses of the other is copied into its own account.'
            )
        ).classes('text-sm opacity-80')
        with ui.row().classes('w-full gap-2 no-wrap'):
            first = ui.select([], label=_('User')).props('outlined dense').classes('grow').mark('link-user1')
            second = ui.select([], label=_('User')).props('outlined dense').classes('grow').mark('link-user2')
        with ui.row().classes('gap-2'):

            async def pair(action, button: ui.button) -> None:
                if not first.value or not second.value:
                    ui.notify(_('Choose two users in the lists above, then link or unlink them.'), type='warning')
                    return
                await call_service(
                    action,
                    user,
                    first.value,
                    second.value,
                    busy=button,
                    refresh=refresh,
                    success=lambda result: result.message(i18n.current()),
                )

            link_button = ui.button(_('Link'), icon='link').props('no-caps').mark('admin-link')
            link_button.on_click(lambda: pair(links.link_users, link_button))
            unlink_button = ui.button(_('Unlink'), icon='link_off').props('flat no-caps color=negative')
            unlink_button.mark('admin-unlink').on_click(lambda: pair(links.unlink_users, unlink_button))

    async def refresh() -> None:
        rows = await run.io_bound(_rows, user, i18n.current())
        if rows is not None:  # None: the app is shutting down
            table.rows = [_worded(row) for row in rows]
            table.update()
            names = [r['username'] for r in rows]
            for select in (first, second):
                select.set_options(names, value=select.value if select.value in names else None)

    def password_dialog(row: dict) -> None:
        with (
            dialogs,
            confirm_dialog(
                _('New password for {username}', username=row['username']),
                None,
                confirm=_('Set password'),
                color='primary',
                width='w-96 max-w-full',
                marks=Marks('reset-password-dialog', 'cancel-reset-password', 'save-reset-password'),
                on_confirm=lambda **shown: call_service(
                    _reset,
                    int(row['id']),
                    new.value or '',
                    bool(revoke.value),
                    fields={'password': new},
                    success=lambda report: report.message(i18n.current()),
                    **shown,
                ),
            ),
        ):
            new = (
                ui.input(_('New password'), password=True, password_toggle_button=True)
                .props('outlined dense autocomplete=new-password')
                .classes('w-full')
                .mark('reset-password')
            )
            ui.label(
                _('Their open sessions end at once, open pages included; they log in again with the new password.')
            ).classes('text-xs opacity-70')
            revoke = ui.checkbox(
                _('Also revoke their personal API tokens (scripts using them stop working)'), value=True
            )
            revoke.mark('reset-revoke-tokens')

    async def toggle_admin(row: dict) -> None:
        await call_service(
            _toggle_admin,
            int(row['id']),
            not row['is_admin'],
            user,
            refresh=refresh,
            success=lambda changed: (
                _('{username} is now an administrator.', username=changed.username)
                if changed.is_admin
                else _('{username} is no longer an administrator.', username=changed.username)
            ),
        )

    def delete_dialog(row: dict) -> None:
        with (
            dialogs,
            confirm_dialog(
                _('Delete {username}?', username=row['username']),
                _(
                    'The account can no longer log in and its links end. Its expenses, categories and payment '
                    'methods are kept, and come back if you create the same username again, unless you tick the '
                    'box below.'
                ),
                confirm=_('Delete'),
                width='w-[28rem] max-w-full',
                marks=Marks.named('delete-user'),
                on_confirm=lambda **shown: call_service(
                    _delete,
                    int(row['id']),
                    with_data.value,
                    user,
                    refresh=refresh,
                    success=lambda report: report.message(i18n.current()),
                    **shown,
                ),
            ),
        ):
            with_data = ui.checkbox(_('Also delete its expenses, categories and payment methods')).mark('delete-data')

    table.on('password', lambda e: password_dialog(e.args))
    table.on('admin', lambda e: toggle_admin(e.args))
    table.on('delete', lambda e: delete_dialog(e.args))
    ui.timer(0, refresh, once=True)  # the page is sent at once; the rows follow
