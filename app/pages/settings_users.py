"""Settings › Users (administrators): create accounts, reset passwords, make administrators, delete."""

from __future__ import annotations

from nicegui import run, ui

from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.confirm_dialog import Marks, confirm_dialog
from app.pages.settings_two_factor import require_card
from app.services import formats, links, users

COLUMNS: list[dict] = [
    {'name': 'username', 'label': 'Username', 'field': 'username', 'align': 'left', 'sortable': True},
    {'name': 'role', 'label': 'Role', 'field': 'role', 'align': 'left'},
    {'name': 'linked', 'label': 'Shares with', 'field': 'linked', 'align': 'left'},
    {'name': 'created', 'label': 'Created', 'field': 'created', 'align': 'left', 'sortable': True},
    {'name': 'actions', 'label': '', 'field': 'id', 'align': 'right'},
]


# On a phone the table becomes one card per user (Quasar's grid mode), with the same buttons.
USER_CARD = r"""
<div class="q-pa-xs col-12">
  <q-card flat bordered>
    <q-card-section class="q-pb-xs">
      <div class="text-subtitle1 text-weight-medium" style="overflow-wrap:anywhere">{{ props.row.username }}</div>
      <div class="text-caption">{{ props.row.role }} · created {{ props.row.created }}</div>
      <div class="text-caption">Shares with: {{ props.row.linked }}</div>
    </q-card-section>
    <q-card-actions class="q-pt-none">
      <q-btn flat no-caps icon="key" label="Password"
             @click="$parent.$emit('password', props.row)" />
      <q-btn flat no-caps
             :icon="props.row.is_admin ? 'remove_moderator' : 'admin_panel_settings'"
             :label="props.row.is_admin ? 'Remove admin' : 'Make admin'"
             @click="$parent.$emit('admin', props.row)" />
      <q-btn flat no-caps color="negative" icon="delete" label="Delete"
             @click="$parent.$emit('delete', props.row)" />
    </q-card-actions>
  </q-card>
</div>
"""
ACTIONS_CELL = r"""
<q-td :props="props" class="q-gutter-xs">
  <q-btn flat dense no-caps size="sm" icon="key" label="Password"
         @click="$parent.$emit('password', props.row)" />
  <q-btn flat dense no-caps size="sm"
         :icon="props.row.is_admin ? 'remove_moderator' : 'admin_panel_settings'"
         :label="props.row.is_admin ? 'Remove admin' : 'Make admin'"
         @click="$parent.$emit('admin', props.row)" />
  <q-btn flat dense no-caps size="sm" color="negative" icon="delete" label="Delete"
         @click="$parent.$emit('delete', props.row)" />
</q-td>
"""
# Quasar's reactive screen size: cards below 1024 px (the table with its buttons needs about 900), a table above.
PHONE_GRID = ':grid="Quasar.Screen.lt.md"'


def _rows(viewer: User) -> list[dict]:
    linked = links.linked_usernames()
    return [
        {
            'id': u.id,
            'username': u.username,
            'role': 'Administrator' if u.is_admin else 'User',
            'is_admin': bool(u.is_admin),
            'linked': ', '.join(linked.get(u.id, [])) or '—',
            'created': formats.short_date(u.created_at.date(), viewer.locale),
        }
        for u in users.list_users()
    ]


def _created(account: users.NewAccount) -> str:
    extra = ' with the data it had before' if account.was_restored else ''
    return f'Created {account.user.username}{extra}.'


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
        ui.label('New user').classes('text-lg font-semibold')
        username = ui.input('Username').props('outlined dense autocomplete=off').classes('w-full').mark('new-username')
        password = (
            ui.input('Password (8 characters or more)', password=True, password_toggle_button=True)
            .props('outlined dense autocomplete=new-password')
            .classes('w-full')
            .mark('new-user-password')
        )
        make_admin = ui.checkbox('Administrator').mark('new-user-admin')
        presets = ui.checkbox('Start with the usual categories and payment methods', value=True).mark(
            'new-user-presets'
        )
        ui.label(
            'A new user counts in your currency, number format and time zone; they can change them in their '
            'Settings. Creating again a username that was deleted with its data kept brings that data back.'
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
                fields={'username': username, 'password': password},
                busy=create_button,
                refresh=refresh,
                after=emptied,
                success=_created,
            )

        create_button = ui.button('Create user', icon='person_add', on_click=create).mark('create-user')

    with ui.card().classes('w-full'):
        ui.label('Users').classes('text-lg font-semibold')
        table = (
            ui.table(columns=COLUMNS, rows=[], row_key='id')
            .props(f'flat dense {PHONE_GRID}')
            .classes('w-full bg-transparent')
            .mark('users-table')
        )
        table.add_slot('body-cell-actions', ACTIONS_CELL)
        table.add_slot('item', USER_CARD)

    with ui.card().classes('w-full max-w-xl'):
        ui.label('Link two accounts').classes('text-lg font-semibold')
        ui.label(
            "Linked accounts see and may edit each other's data at once, without an invitation. Unlinking keeps "
            'every expense: what one uses of the other is copied into its own account.'
        ).classes('text-sm opacity-80')
        with ui.row().classes('w-full gap-2 no-wrap'):
            first = ui.select([], label='User').props('outlined dense').classes('grow').mark('link-user1')
            second = ui.select([], label='User').props('outlined dense').classes('grow').mark('link-user2')
        with ui.row().classes('gap-2'):

            async def pair(action, button: ui.button) -> None:
                if not first.value or not second.value:
                    ui.notify('Choose two users in the lists above, then link or unlink them.', type='warning')
                    return
                await call_service(
                    action,
                    user,
                    first.value,
                    second.value,
                    busy=button,
                    refresh=refresh,
                    success=lambda result: result.message(),
                )

            link_button = ui.button('Link', icon='link').props('no-caps').mark('admin-link')
            link_button.on_click(lambda: pair(links.link_users, link_button))
            unlink_button = ui.button('Unlink', icon='link_off').props('flat no-caps color=negative')
            unlink_button.mark('admin-unlink').on_click(lambda: pair(links.unlink_users, unlink_button))

    async def refresh() -> None:
        rows = await run.io_bound(_rows, user)
        if rows is not None:  # None: the app is shutting down
            table.rows = rows
            table.update()
            names = [r['username'] for r in rows]
            for select in (first, second):
                select.set_options(names, value=select.value if select.value in names else None)

    def password_dialog(row: dict) -> None:
        with (
            dialogs,
            confirm_dialog(
                f'New password for {row["username"]}',
                None,
                confirm='Set password',
                color='primary',
                width='w-96 max-w-full',
                marks=Marks('reset-password-dialog', 'cancel-reset-password', 'save-reset-password'),
                on_confirm=lambda **shown: call_service(
                    _reset,
                    int(row['id']),
                    new.value or '',
                    bool(revoke.value),
                    fields={'password': new},
                    success=lambda report: report.message(),
                    **shown,
                ),
            ),
        ):
            new = (
                ui.input('New password', password=True, password_toggle_button=True)
                .props('outlined dense autocomplete=new-password')
                .classes('w-full')
                .mark('reset-password')
            )
            ui.label(
                'Their open sessions end at once, open pages included; they log in again with the new password.'
            ).classes('text-xs opacity-70')
            revoke = ui.checkbox('Also revoke their personal API tokens (scripts using them stop working)', value=True)
            revoke.mark('reset-revoke-tokens')

    async def toggle_admin(row: dict) -> None:
        await call_service(
            _toggle_admin,
            int(row['id']),
            not row['is_admin'],
            user,
            refresh=refresh,
            success=lambda changed: (
                f'{changed.username} is now an administrator.'
                if changed.is_admin
                else f'{changed.username} is no longer an administrator.'
            ),
        )

    def delete_dialog(row: dict) -> None:
        with (
            dialogs,
            confirm_dialog(
                f'Delete {row["username"]}?',
                'The account can no longer log in and its links end. Its expenses, categories and payment methods '
                'are kept, and come back if you create the same username again, unless you tick the box below.',
                confirm='Delete',
                width='w-[28rem] max-w-full',
                marks=Marks.named('delete-user'),
                on_confirm=lambda **shown: call_service(
                    _delete,
                    int(row['id']),
                    with_data.value,
                    user,
                    refresh=refresh,
                    success=lambda report: report.message(),
                    **shown,
                ),
            ),
        ):
            with_data = ui.checkbox('Also delete its expenses, categories and payment methods').mark('delete-data')

    table.on('password', lambda e: password_dialog(e.args))
    table.on('admin', lambda e: toggle_admin(e.args))
    table.on('delete', lambda e: delete_dialog(e.args))
    ui.timer(0, refresh, once=True)  # the page is sent at once; the rows follow
