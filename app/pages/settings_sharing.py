"""Settings › Sharing: invite someone by username, answer invitations, see and end current links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nicegui import run, ui

from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.confirm_dialog import Marks, confirm
from app.pages.components.currency_note import currency_note
from app.pages.components.entry_row import entry_row
from app.services import links


def _explanation() -> None:
    ui.label(
        "Linked accounts see and may edit each other's expenses, categories and payment methods; each keeps "
        'its own login. Links are not passed on: the people your partner shares with do not see your data.'
    ).classes('text-sm opacity-80')


@dataclass(frozen=True, slots=True)
class _Answer:
    """A button on an invitation: its label, its Quasar look, its marker prefix, the call and the outcome."""

    label: str
    look: str
    mark: str
    action: Callable[[User, str], object]
    done: str


_INCOMING = (
    _Answer('Accept', 'unelevated', 'accept', links.accept, 'accepted'),
    _Answer('Decline', 'flat', 'decline', links.decline, 'declined'),
)
_OUTGOING = (_Answer('Cancel', 'flat', 'cancel', links.cancel, 'withdrawn'),)


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
            ui.label('Share with someone').classes('text-lg font-semibold')
            _explanation()

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

            username, invite = entry_row(
                'Their username',
                props='autocomplete=off autocapitalize=off spellcheck=false',
                mark='invite-username',
                button='Invite',
                button_mark='send-invite',
                icon='send',
                on_submit=send,
            )

        invitations('Invitations for you', 'incoming', sharing.incoming, 'wants to share data with you ·', _INCOMING)
        invitations('Invitations you sent', 'outgoing', sharing.outgoing, 'waiting for their answer · sent', _OUTGOING)

        with ui.card().classes('w-full max-w-xl').mark('current-links'):
            ui.label('Sharing with').classes('text-lg font-semibold')
            if not sharing.linked:
                ui.label('Nobody yet. Invite someone above; the link exists once they accept.').classes(
                    'text-sm opacity-70'
                ).mark('no-links')
            for view in sharing.linked:
                with ui.row().classes('w-full items-center gap-2 no-wrap').mark(f'link-{view.username}'):
                    _person(view.username, f'linked since {view.since:%Y-%m-%d}')
                    ui.button('Unlink', icon='link_off', on_click=lambda v=view: confirm_unlink(v)).props(
                        'flat no-caps color=negative'
                    ).mark(f'unlink-{view.username}')
            currency_note(differences)

    def invitations(
        title: str, kind: str, views: tuple[links.LinkView, ...], detail: str, answers: tuple[_Answer, ...]
    ) -> None:
        if not views:
            return
        with ui.card().classes('w-full max-w-xl').mark(f'{kind}-invitations'):
            ui.label(title).classes('text-lg font-semibold')
            for view in views:
                with ui.row().classes('w-full items-center gap-2 no-wrap'):
                    _person(view.username, f'{detail} {view.since:%Y-%m-%d}')
                    for way in answers:
                        button = ui.button(way.label).props(f'{way.look} no-caps').mark(f'{way.mark}-{view.username}')
                        button.on_click(lambda _, v=view, b=button, w=way: answer(w, v, b))

    async def answer(way: _Answer, view: links.LinkView, button: ui.button) -> None:
        word = 'to' if way.done == 'withdrawn' else 'from'
        await call_service(
            way.action,
            user,
            view.username,
            busy=button,
            refresh=content.refresh,
            success=f'Invitation {word} {view.username} {way.done}.',
        )

    def confirm_unlink(view: links.LinkView) -> None:
        with dialogs:
            confirm(
                f'Stop sharing with {view.username}?',
                "You will no longer see each other's data. Nothing is lost: each keeps what it created, and an "
                'expense that uses a category or payment method of the other gets its own copy of it.',
                confirm='Unlink',
                cancel='Keep sharing',
                marks=Marks.named('unlink'),
                on_confirm=lambda **shown: call_service(
                    links.unlink,
                    user,
                    view.username,
                    refresh=content.refresh,
                    success=lambda report: report.message(),
                    **shown,
                ),
            )

    await content(first=True)
    ui.timer(0, lambda: content.refresh(first=False), once=True)


def _load(user: User) -> tuple[links.Sharing, list[links.CurrencyDifference]]:
    return links.sharing(user), links.currency_differences(user)


def _invited(view: links.LinkView) -> str:
    if view.status == 'active':
        return f'{view.username} had invited you: you now share your data.'
    return f'Invitation sent to {view.username}; it appears in their Settings › Sharing.'
