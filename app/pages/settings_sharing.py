"""Settings › Sharing: invite someone by username, answer invitations, see and end current links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nicegui import run, ui

from app import i18n
from app.i18n import N_, _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.confirm_dialog import Marks, confirm
from app.pages.components.currency_note import currency_note
from app.pages.components.entry_row import entry_row
from app.pages.components.household_currency_card import household_currency_card
from app.services import formats, links


def _explanation() -> None:
    ui.label(
        _(
            "Linked accounts see and may edit each other's expenses, categories and payment methods; each keeps "
            'its own login. Links are not passed on: the people your partner shares with do not see your data.'
        )
    ).classes('text-sm opacity-80')


@dataclass(frozen=True, slots=True)
class _Answer:
    """A button on an invitation: its label, its Quasar look, its marker prefix, the call and what it says
    once done (whole sentences, marked with N_ and translated where shown)."""

    label: str
    look: str
    mark: str
    action: Callable[[User, str], object]
    done: str


_INCOMING = (
    _Answer(N_('Accept'), 'unelevated', 'accept', links.accept, N_('Invitation from {username} accepted.')),
    _Answer(N_('Decline'), 'flat', 'decline', links.decline, N_('Invitation from {username} declined.')),
)
_OUTGOING = (_Answer(N_('Cancel'), 'flat', 'cancel', links.cancel, N_('Invitation to {username} withdrawn.')),)


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
                _('Their username'),
                props='autocomplete=off autocapitalize=off spellcheck=false',
                mark='invite-username',
                button=_('Invite'),
                button_mark='send-invite',
                icon='send',
                on_submit=send,
            )

        invitations(
            _('Invitations for you'),
            'incoming',
            sharing.incoming,
            N_('wants to share data with you · {date}'),
            _INCOMING,
        )
        invitations(
            _('Invitations you sent'),
            'outgoing',
            sharing.outgoing,
            N_('waiting for their answer · sent {date}'),
            _OUTGOING,
        )

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
        await household_currency_card(user, content.refresh)  # issue 20

    def invitations(
        title: str, kind: str, views: tuple[links.LinkView, ...], detail: str, answers: tuple[_Answer, ...]
    ) -> None:
        if not views:
            return
        with ui.card().classes('w-full max-w-xl').mark(f'{kind}-invitations'):
            ui.label(title).classes('text-lg font-semibold')
            for view in views:
                with ui.row().classes('w-full items-center gap-2 no-wrap'):
                    _person(view.username, _(detail, date=since(view)))
                    for way in answers:
                        button = (
                            ui.button(_(way.label)).props(f'{way.look} no-caps').mark(f'{way.mark}-{view.username}')
                        )
                        button.on_click(lambda _, v=view, b=button, w=way: answer(w, v, b))

    def since(view: links.LinkView) -> str:
        return formats.short_date(view.since, user.locale)

    async def answer(way: _Answer, view: links.LinkView, button: ui.button) -> None:
        await call_service(
            way.action,
            user,
            view.username,
            busy=button,
            refresh=content.refresh,
            success=_(way.done, username=view.username),
        )

    def confirm_unlink(view: links.LinkView) -> None:
        with dialogs:
            confirm(
                _('Stop sharing with {username}?', username=view.username),
                _(
                    "You will no longer see each other's data. Nothing is lost: each keeps what it created, and an "
                    'expense that uses a category or payment method of the other gets its own copy of it.'
                ),
                confirm=_('Unlink'),
                cancel=_('Keep sharing'),
                marks=Marks.named('unlink'),
                on_confirm=lambda **shown: call_service(
                    links.unlink,
                    user,
                    view.username,
                    refresh=content.refresh,
                    success=lambda report: report.message(i18n.current()),
                    **shown,
                ),
            )

    await content(first=True)
    ui.timer(0, lambda: content.refresh(first=False), once=True)


def _load(user: User) -> tuple[links.Sharing, list[links.CurrencyDifference]]:
    return links.sharing(user), links.currency_differences(user)


def _invited(view: links.LinkView) -> str:
    if view.status == 'active':
        return _('{username} had invited you: you now share your data.', username=view.username)
    return _('Invitation sent to {username}; it appears in their Settings › Sharing.', username=view.username)
