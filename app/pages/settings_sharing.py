"""Settings › Sharing: invite someone by username, answer invitations, see and end current links."""

from __future__ import annotations

from nicegui import run, ui

from app import i18n
from app.i18n import _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.currency_note import currency_note
from app.services import formats, links


def _explanation() -> None:
    ui.label(
        _(
            "Linked accounts see and may edit each other's expenses, categories and payment methods; each keeps "
            'its own login. Links are not passed on: the people your partner shares with do not see your data.'
        )
    ).classes('text-sm opacity-80')


def _person(username: str, detail: str) -> None:
    with ui.row().classes('items-center gap-3 grow no-wrap'):
        with ui.avatar(color='primary', text_color='white', size='md'):  # its first argument is an icon name
            ui.label(username[:1].upper()).classes('text-base font-medium')
        with ui.column().classes('gap-0'):
            ui.label(username).classes('font-medium')
            ui.label(detail).classes('text-xs opacity-70')


async def sharing_tab(user: User) -> None:
    dialogs = ui.element()  # outside the list, which every change rebuilds

    @ui.refreshable
    async def content(first: bool = False) -> None:
        if first:  # the page is sent at once; its data follows (later settings tabs are not held up)
            ui.spinner(size='lg').classes('m-4')
            return
        state = await run.io_bound(_load, user)
        if state is None:  # the app is shutting down
            return
        sharing, differences = state

        with ui.card().classes('w-full max-w-xl'):
            ui.label(_('Share with someone')).classes('text-lg font-semibold')
            _explanation()
            with ui.row().classes('w-full items-center gap-2 no-wrap'):
                username = (
                    ui.input(_('Their username'))
                    .props('outlined dense autocomplete=off autocapitalize=off spellcheck=false')
                    .classes('grow')
                    .mark('invite-username')
                )
                invite = ui.button(_('Invite'), icon='send').props('no-caps').classes('shrink-0').mark('send-invite')

                async def send() -> None:
                    await call_service(
                        links.invite,
                        user,
                        username.value or '',
                        fields={'username': username},
                        busy=invite,
                        refresh=content.refresh,
                        success=_invited,
                    )

                username.on('keydown.enter', send)
                invite.on_click(send)

        if sharing.incoming:
            with ui.card().classes('w-full max-w-xl').mark('incoming-invitations'):
                ui.label(_('Invitations for you')).classes('text-lg font-semibold')
                for view in sharing.incoming:
                    with ui.row().classes('w-full items-center gap-2 no-wrap'):
                        _person(view.username, _('wants to share data with you · {date}', date=since(view)))
                        accept = ui.button(_('Accept')).props('unelevated no-caps').mark(f'accept-{view.username}')
                        accept.on_click(lambda _, v=view, b=accept: answer(links.accept, v, 'accepted', b))
                        decline = ui.button(_('Decline')).props('flat no-caps').mark(f'decline-{view.username}')
                        decline.on_click(lambda _, v=view, b=decline: answer(links.decline, v, 'declined', b))

        if sharing.outgoing:
            with ui.card().classes('w-full max-w-xl').mark('outgoing-invitations'):
                ui.label(_('Invitations you sent')).classes('text-lg font-semibold')
                for view in sharing.outgoing:
                    with ui.row().classes('w-full items-center gap-2 no-wrap'):
                        _person(view.username, _('waiting for their answer · sent {date}', date=since(view)))
                        cancel = ui.button(_('Cancel')).props('flat no-caps').mark(f'cancel-{view.username}')
                        cancel.on_click(lambda _, v=view, b=cancel: answer(links.cancel, v, 'withdrawn', b))

        with ui.card().classes('w-full max-w-xl').mark('current-links'):
            ui.label(_('Sharing with')).classes('text-lg font-semibold')
            if not sharing.linked:
                ui.label(_('Nobody yet. Invite someone above; the link exists once they accept.')).classes(
                    'text-sm opacity-70'
                ).mark('no-links')
            for view in sharing.linked:
                with ui.row().classes('w-full items-center gap-2 no-wrap').mark(f'link-{view.username}'):
                    _person(view.username, _('linked since {date}', date=since(view)))
                    ui.button(_('Unlink'), icon='link_off', on_click=lambda v=view: confirm_unlink(v)).props(
                        'flat no-caps color=negative'
                    ).mark(f'unlink-{view.username}')
            currency_note(differences)

    def since(view: links.LinkView) -> str:
        return formats.short_date(view.since, user.locale)

    async def answer(action, view: links.LinkView, done: str, button: ui.button) -> None:
        answered = {
            'accepted': _('Invitation from {username} accepted.', username=view.username),
            'declined': _('Invitation from {username} declined.', username=view.username),
            'withdrawn': _('Invitation to {username} withdrawn.', username=view.username),
        }
        await call_service(
            action,
            user,
            view.username,
            busy=button,
            refresh=content.refresh,
            success=answered[done],
        )

    def confirm_unlink(view: links.LinkView) -> None:
        with dialogs, ui.dialog() as dialog, ui.card().classes('max-w-md').mark('unlink-dialog'):
            ui.label(_('Stop sharing with {username}?', username=view.username)).classes('text-lg font-semibold')
            ui.label(
                _(
                    "You will no longer see each other's data. Nothing is lost: each keeps what it created, and an "
                    'expense that uses a category or payment method of the other gets its own copy of it.'
                )
            ).classes('text-sm')
            with ui.row().classes('w-full justify-end'):
                ui.button(_('Keep sharing'), on_click=dialog.close).props('flat no-caps').mark('cancel-unlink')
                go = ui.button(_('Unlink')).props('unelevated no-caps color=negative').mark('confirm-unlink')
                go.on_click(
                    lambda: call_service(
                        links.unlink,
                        user,
                        view.username,
                        dialog=dialog,
                        busy=go,
                        refresh=content.refresh,
                        success=lambda report: report.message(i18n.current()),
                    )
                )
        dialog.on_value_change(lambda e: None if e.value or dialog.is_deleted else dialog.delete())
        dialog.open()

    await content(first=True)
    ui.timer(0, lambda: content.refresh(first=False), once=True)


def _load(user: User) -> tuple[links.Sharing, list[links.CurrencyDifference]]:
    return links.sharing(user), links.currency_differences(user)


def _invited(view: links.LinkView) -> str:
    if view.status == 'active':
        return _('{username} had invited you: you now share your data.', username=view.username)
    return _('Invitation sent to {username}; it appears in their Settings › Sharing.', username=view.username)
