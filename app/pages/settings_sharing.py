"""Settings › Sharing: invite someone by username, answer invitations, see and end current links."""

from __future__ import annotations

from nicegui import run, ui

from app.models import User
from app.services import links


def _explanation() -> None:
    ui.label(
        "Linked accounts see and may edit each other's expenses, categories and payment methods; each keeps "
        'its own login. Links are not passed on: the people your partner shares with do not see your data.'
    ).classes('text-sm opacity-80')


def _person(username: str, detail: str) -> None:
    with ui.row().classes('items-center gap-3 grow no-wrap'):
        with ui.avatar(color='primary', text_color='white', size='md'):  # its first argument is an icon name
            ui.label(username[:1].upper()).classes('text-base font-medium')
        with ui.column().classes('gap-0'):
            ui.label(username).classes('font-medium')
            ui.label(detail).classes('text-xs opacity-70')


async def sharing_tab(user: User) -> None:
    from app.pages.settings import notify_errors

    @ui.refreshable
    async def content(first: bool = False) -> None:
        if first:  # the page is sent at once; its data follows (later settings tabs are not held up)
            ui.spinner(size='lg').classes('m-4')
            return
        state = await run.io_bound(links.sharing, user)
        if state is None:  # the app is shutting down
            return

        with ui.card().classes('w-full max-w-xl'):
            ui.label('Share with someone').classes('text-lg font-semibold')
            _explanation()
            with ui.row().classes('w-full items-start gap-2 no-wrap'):
                username = (
                    ui.input('Their username')
                    .props('outlined dense autocomplete=off autocapitalize=off spellcheck=false')
                    .classes('grow')
                    .mark('invite-username')
                )

                async def send() -> None:
                    view = await notify_errors(links.invite, user, username.value or '')
                    if view:
                        if view.status == 'active':
                            ui.notify(
                                f'{view.other_username} had invited you: you now share your data.', type='positive'
                            )
                        else:
                            ui.notify(
                                f'Invitation sent to {view.other_username}; it appears in their Settings › Sharing.',
                                type='positive',
                            )
                        await content.refresh()

                username.on('keydown.enter', send)
                ui.button('Invite', icon='send', on_click=send).mark('send-invite')

        if state.incoming:
            with ui.card().classes('w-full max-w-xl').mark('incoming-invitations'):
                ui.label('Invitations for you').classes('text-lg font-semibold')
                for view in state.incoming:
                    with ui.row().classes('w-full items-center gap-2 no-wrap'):
                        _person(view.other_username, f'wants to share data with you · {view.created_at:%Y-%m-%d}')
                        ui.button('Accept', on_click=lambda v=view: answer(links.accept, v, 'accepted')).props(
                            'unelevated no-caps'
                        ).mark(f'accept-{view.other_username}')
                        ui.button('Decline', on_click=lambda v=view: answer(links.decline, v, 'declined')).props(
                            'flat no-caps'
                        ).mark(f'decline-{view.other_username}')

        if state.outgoing:
            with ui.card().classes('w-full max-w-xl').mark('outgoing-invitations'):
                ui.label('Invitations you sent').classes('text-lg font-semibold')
                for view in state.outgoing:
                    with ui.row().classes('w-full items-center gap-2 no-wrap'):
                        _person(view.other_username, f'waiting for their answer · sent {view.created_at:%Y-%m-%d}')
                        ui.button('Cancel', on_click=lambda v=view: answer(links.cancel, v, 'withdrawn')).props(
                            'flat no-caps'
                        ).mark(f'cancel-{view.other_username}')

        with ui.card().classes('w-full max-w-xl').mark('current-links'):
            ui.label('Sharing with').classes('text-lg font-semibold')
            if not state.linked:
                ui.label('Nobody yet. Invite someone above; the link exists once they accept.').classes(
                    'text-sm opacity-70'
                ).mark('no-links')
            for view in state.linked:
                with ui.row().classes('w-full items-center gap-2 no-wrap'):
                    _person(view.other_username, f'linked since {view.created_at:%Y-%m-%d}')
                    ui.button('Unlink', icon='link_off', on_click=lambda v=view: confirm_unlink(v)).props(
                        'flat no-caps color=negative'
                    ).mark(f'unlink-{view.other_username}')

    async def answer(action, view: links.LinkView, done: str) -> None:
        if await notify_errors(action, user, view.other_username):
            ui.notify(f'Invitation {"from" if done != "withdrawn" else "to"} {view.other_username} {done}.')
            await content.refresh()

    def confirm_unlink(view: links.LinkView) -> None:
        with ui.dialog() as dialog, ui.card().classes('max-w-md'):
            ui.label(f'Stop sharing with {view.other_username}?').classes('text-lg font-semibold')
            ui.label(
                "You will no longer see each other's data. Nothing is lost: each keeps what it created, and an "
                'expense that uses a category or payment method of the other gets its own copy of it.'
            ).classes('text-sm')
            with ui.row().classes('w-full justify-end'):
                ui.button('Keep sharing', on_click=dialog.close).props('flat no-caps').mark('cancel-unlink')

                async def go() -> None:
                    dialog.close()
                    report = await notify_errors(links.unlink, user, view.other_username)
                    if report:
                        ui.notify(report.message(), type='positive', multi_line=True)
                        await content.refresh()

                ui.button('Unlink', on_click=go).props('unelevated no-caps color=negative').mark('confirm-unlink')
        dialog.on_value_change(lambda e: None if e.value else dialog.delete())
        dialog.open()

    await content(first=True)
    ui.timer(0, lambda: content.refresh(first=False), once=True)
