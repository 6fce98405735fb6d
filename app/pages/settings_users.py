"""Settings › Users (administrators): create accounts, reset passwords, make administrators, delete."""

from __future__ import annotations

from nicegui import run, ui

from app.models import User
from app.services import links, users

COLUMNS = [
    {'name': 'username', 'label': 'Username', 'field': 'username', 'align': 'left', 'sortable': True},
    {'name': 'role', 'label': 'Role', 'field': 'role', 'align': 'left'},
    {'name': 'linked', 'label': 'Shares with', 'field': 'linked', 'align': 'left'},
    {'name': 'created', 'label': 'Created', 'field': 'created', 'align': 'left', 'sortable': True},
    {'name': 'actions', 'label': '', 'field': 'id', 'align': 'right'},
]


def _rows() -> list[dict]:
    linked = links.linked_usernames()
    return [
        {
            'id': u.id,
            'username': u.username,
            'role': 'Administrator' if u.is_admin else 'User',
            'is_admin': bool(u.is_admin),
            'linked': ', '.join(linked.get(u.id, [])) or '—',
            'created': u.created_at.strftime('%Y-%m-%d'),
        }
        for u in users.list_users()
    ]


def _create(username: str, password: str, is_admin: bool, presets: bool) -> tuple[User, bool]:
    user = users.create_user(username, password, is_admin=is_admin)
    restored = any(users.owned_counts(user))
    if not restored and presets:
        users.seed_defaults(user)
    return user, restored


async def users_tab(user: User) -> None:
    from app.pages.settings import notify_errors

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
        ui.label('Creating again a username that was deleted with its data kept brings that data back.').classes(
            'text-xs opacity-70'
        )

        async def create() -> None:
            result = await notify_errors(
                _create, username.value or '', password.value or '', make_admin.value, presets.value
            )
            if result:
                created, restored = result
                extra = ' with the data it had before' if restored else ''
                ui.notify(f'Created {created.username}{extra}.', type='positive')
                username.value = password.value = ''
                make_admin.value = False
                await refresh()

        ui.button('Create user', icon='person_add', on_click=create).mark('create-user')

    with ui.card().classes('w-full'):
        ui.label('Users').classes('text-lg font-semibold')
        table = ui.table(columns=COLUMNS, rows=[], row_key='id').props('flat dense').classes('w-full')
        table.mark('users-table')
        table.add_slot(
            'body-cell-actions',
            r"""
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
            """,
        )

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

            async def pair(action, done) -> None:
                if not first.value or not second.value:
                    ui.notify('Choose two users.', type='warning')
                    return
                result = await notify_errors(action, user, first.value, second.value)
                if result:
                    ui.notify(done(result), type='positive', multi_line=True)
                    await refresh()

            ui.button('Link', icon='link', on_click=lambda: pair(links.link_users, lambda r: r.message())).props(
                'no-caps'
            ).mark('admin-link')
            ui.button(
                'Unlink', icon='link_off', on_click=lambda: pair(links.unlink_users, lambda r: r.message())
            ).props('flat no-caps color=negative').mark('admin-unlink')

    async def refresh() -> None:
        rows = await run.io_bound(_rows)
        if rows is not None:  # None: the app is shutting down
            table.rows = rows
            table.update()
            names = [r['username'] for r in rows]
            for select in (first, second):
                select.set_options(names, value=select.value if select.value in names else None)

    async def target(row: dict) -> User | None:
        return await notify_errors(users.get_user, int(row['id']))

    def password_dialog(row: dict) -> None:
        with ui.dialog() as dialog, ui.card().classes('w-96'):
            ui.label(f'New password for {row["username"]}').classes('text-lg font-semibold')
            new = (
                ui.input('New password', password=True, password_toggle_button=True)
                .props('outlined dense autocomplete=new-password')
                .classes('w-full')
                .mark('reset-password')
            )
            ui.label('Their open sessions end; they log in again with the new password.').classes('text-xs opacity-70')
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=dialog.close).props('flat no-caps')

                async def save() -> None:
                    account = await target(row)
                    if account is None:
                        return
                    ended = await notify_errors(users.reset_password, account, new.value or '')
                    if ended is not None:
                        dialog.close()
                        ui.notify(
                            f'Password of {account.username} changed; {int(ended)} session(s) ended.', type='positive'
                        )

                ui.button('Set password', on_click=save).props('unelevated no-caps').mark('save-reset-password')
        dialog.on_value_change(lambda e: None if e.value else dialog.delete())
        dialog.open()

    async def toggle_admin(row: dict) -> None:
        account = await target(row)
        if account is None:
            return
        changed = await notify_errors(users.set_admin, account, not row['is_admin'], actor=user)
        if changed:
            state = 'is now an administrator' if changed.is_admin else 'is no longer an administrator'
            ui.notify(f'{changed.username} {state}.', type='positive')
            await refresh()

    def delete_dialog(row: dict) -> None:
        with ui.dialog() as dialog, ui.card().classes('w-[28rem]'):
            ui.label(f'Delete {row["username"]}?').classes('text-lg font-semibold')
            ui.label(
                'The account can no longer log in and its links end. Its expenses, categories and payment methods '
                'are kept, and come back if you create the same username again, unless you tick the box below.'
            ).classes('text-sm')
            with_data = ui.checkbox('Also delete its expenses, categories and payment methods').mark('delete-data')
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=dialog.close).props('flat no-caps')

                async def go() -> None:
                    account = await target(row)
                    if account is None:
                        return
                    report = await notify_errors(users.delete_user, account, delete_data=with_data.value, actor=user)
                    dialog.close()
                    if report:
                        ui.notify(report.message(), type='positive', multi_line=True)
                        await refresh()

                ui.button('Delete', on_click=go).props('unelevated no-caps color=negative').mark('confirm-delete-user')
        dialog.on_value_change(lambda e: None if e.value else dialog.delete())
        dialog.open()

    table.on('password', lambda e: password_dialog(e.args))
    table.on('admin', lambda e: toggle_admin(e.args))
    table.on('delete', lambda e: delete_dialog(e.args))
    ui.timer(0, refresh, once=True)  # the page is sent at once; the rows follow
