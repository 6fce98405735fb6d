"""The expense form's split (issue 20): one line that says who paid and how it is shared ("Split equally
with bob, 25,00 € each"), and the detail (payer, mode, members and their parts) only when asked.

The dialog makes it with one call, `split_field(...)`, and adds `values()` to what it saves; the form's
data (members, current split) comes from `splits.split_form`, loaded with the rest of the form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from nicegui import ui

from app.i18n import N_, _
from app.models import User
from app.services.errors import Invalid
from app.services.money import format_money, parse_amount
from app.services.splits import allocate
from app.services.splits_types import SplitForm

MODES = {
    'equal': N_('Equally'),
    'shares': N_('By shares (2:1)'),
    'amounts': N_('By exact amounts'),
    'percent': N_('By percent'),
}


def _number(text: object) -> Decimal | None:
    try:
        value = Decimal(str(text).replace(',', '.').strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


class SplitField:
    """Markers: `split-summary` (the line), `split-details` (opens the detail), `split-paid-by`,
    `split-mode`, `split-member-<id>` (checkbox), `split-part-<id>` (a member's part)."""

    def __init__(self, form: SplitForm, amount: ui.input, user: User, currency: ui.select | None = None) -> None:
        self.form = form
        self.user = user
        self.amount = amount
        self.currency = currency  # the expense's own currency: the line speaks in it, not the household's
        self.names = {m.id: m.username for m in form.members}
        for share in form.split.shares if form.split is not None else ():  # a former link, in a kept split
            self.names.setdefault(share.user_id, share.username)
        current = form.split
        if current is not None:
            chosen, mode = list(current.members), current.mode
            parts = dict(zip(current.members, current.parts, strict=False))
        else:
            chosen = [m.id for m in form.members] if form.default_split == 'equal' else [form.owner_id]
            mode, parts = 'equal', {}
        with ui.column().classes('w-full gap-1').mark('split-field'):
            with ui.row().classes('w-full items-center no-wrap gap-2'):
                ui.icon('group').classes('opacity-70')
                self.summary = ui.label().classes('grow text-sm').mark('split-summary')
                self.toggle = ui.button(_('Change'), on_click=self._toggle).props('flat dense no-caps')
                self.toggle.mark('split-details').set_enabled(not form.frozen)
            with ui.column().classes('w-full gap-1 pl-2') as self.detail:
                self.paid_by = (
                    ui.select(self.names, value=form.paid_by, label=_('Paid by'))
                    .props('outlined dense options-dense')
                    .classes('w-full')
                    .mark('split-paid-by')
                )
                self.mode = (
                    ui.select({key: _(label) for key, label in MODES.items()}, value=mode, label=_('Split'))
                    .props('outlined dense options-dense')
                    .classes('w-full')
                    .mark('split-mode')
                )
                self.checks: dict[int, ui.checkbox] = {}
                self.parts: dict[int, ui.input] = {}
                for member in form.members:
                    with ui.row().classes('w-full items-center no-wrap gap-2'):
                        check = ui.checkbox(member.username, value=member.id in chosen).classes('grow')
                        self.checks[member.id] = check.mark(f'split-member-{member.id}')
                        part = parts.get(member.id)
                        field = ui.input(value='' if part is None else f'{part:g}').props('dense outlined')
                        field.props['aria-label'] = _('Part of {name}', name=member.username)
                        self.parts[member.id] = field.classes('w-24').mark(f'split-part-{member.id}')
            self.detail.set_visibility(False)
        watched = (self.paid_by, self.mode, self.amount, *self.checks.values(), *self.parts.values())
        for element in (*watched, *([currency] if currency is not None else [])):
            element.on_value_change(self._show)
        self._show()

    def _toggle(self) -> None:
        self.detail.set_visibility(not self.detail.visible)
        self.toggle.set_text(_('Hide') if self.detail.visible else _('Change'))

    def chosen(self) -> list[int]:
        return [member for member, check in self.checks.items() if check.value]

    def values(self) -> dict[str, Any]:
        """What the service reads: the payer and the split (nothing for a split kept as it was)."""
        if self.form.frozen:
            return {}
        mode = self.mode.value or 'equal'
        split: dict[str, Any] = {'mode': mode, 'members': self.chosen()}
        if mode != 'equal':
            split['parts'] = [str(self.parts[m].value or '').replace(',', '.') for m in split['members']]
        return {'paid_by': self.paid_by.value, 'split': split}

    def _show(self) -> None:
        mode = self.mode.value or 'equal'
        for part in self.parts.values():
            part.set_visibility(mode != 'equal')
        self.summary.set_text(self.sentence())

    def _money(self, cents: int, currency: str | None = None) -> str:
        return format_money(cents, currency or self.user.currency, self.user.locale)

    def _typed(self, cents: int) -> str:
        """An amount in the currency the expense is typed in (the currency select's, else the household's)."""
        chosen = self.currency.value if self.currency is not None else None
        return self._money(cents, str(chosen) if chosen else None)

    def sentence(self) -> str:
        """The one line: who paid and how it is shared, in the page's language."""
        if self.form.frozen and self.form.split is not None:
            shares = ', '.join(f'{s.username} {self._money(s.amount_cents)}' for s in self.form.split.shares)
            return _('Shared with someone no longer linked, kept as it was: {shares}', shares=shares)
        members, payer, mode = self.chosen(), self.paid_by.value, self.mode.value or 'equal'
        me = self.user.id
        try:
            cents = parse_amount(self.amount.value)
        except Invalid:
            cents = None
        if not members:
            return _('Choose who shares this expense.')
        if members == [payer] and payer == me:
            return _('Just me')
        others = ', '.join(self.names.get(m, '?') for m in members if m != me)
        if mode == 'equal':
            each = self._typed(max(allocate(cents, [1] * len(members)))) if cents else '…'
            if payer == me and me in members:
                return _('Split equally with {names}, {amount} each', names=others, amount=each)
            names = ', '.join(self.names.get(m, '?') for m in members)
            return _('Paid by {payer}, split equally between {names}, {amount} each', payer=self.names.get(payer, '?'),
                     names=names, amount=each)  # fmt: skip
        weights = [_number(self.parts[m].value) for m in members]
        if cents and all(w is not None for w in weights):
            amounts = (
                [int(w * 100) for w in weights if w is not None]
                if mode == 'amounts'
                else allocate(cents, [w for w in weights if w is not None])
            )
            shares = ', '.join(
                f'{self.names.get(m, "?")} {self._typed(a)}' for m, a in zip(members, amounts, strict=True)
            )
        else:
            shares = ', '.join(self.names.get(m, '?') for m in members)
        return _('Paid by {payer}, shared: {shares}', payer=self.names.get(payer, '?'), shares=shares)


def split_field(
    form: SplitForm | None, amount: ui.input, user: User | None, currency: ui.select | None = None
) -> SplitField | None:
    """The split block, when the owner shares with someone or the expense is already split; None otherwise.
    `currency`: the form's currency select, whose currency the line's amounts are in."""
    if form is None or user is None or (len(form.members) < 2 and form.split is None):
        return None
    return SplitField(form, amount, user, currency)
