"""The quick picks of the add form: one chip per frequent combination ("Bakery · Food › Bread · Cash", see
app/services/quick_picks.py); a tap fills the category, subcategory, payment method and place, and the amount
stays to type. When the form learns the position, the chips are ranked again with it (nearby places first)."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import run, ui

from app.i18n import _
from app.models import User
from app.services.quick_picks import QuickPick, quick_picks


def pick_label(pick: QuickPick) -> str:
    category = f'{pick.category} › {pick.subcategory}' if pick.subcategory else pick.category
    return ' · '.join(part for part in (pick.place, category, pick.payment_method) if part)


class QuickPickChips:
    """Renders where it is created; `moved(position)` ranks the chips again for that position."""

    def __init__(self, user: User, picks: list[QuickPick], fill: Callable[[dict], None]) -> None:
        self.user = user
        self.fill = fill
        self.row = ui.row().classes('w-full gap-1 items-center').mark('quick-picks')
        self.row.props['aria-label'] = _('Quick picks')
        self.row.props['role'] = 'group'
        self.render(picks)

    def render(self, picks: list[QuickPick]) -> None:
        self.row.clear()
        self.row.visible = bool(picks)
        with self.row:
            for pick in picks:
                chip = ui.chip(pick_label(pick), icon='bolt', on_click=lambda pick=pick: self.choose(pick))
                chip.props('clickable outline dense color=primary').classes('max-w-full').mark('quick-pick')

    def choose(self, pick: QuickPick) -> None:
        self.fill(
            {
                'category_id': pick.category_id,
                'subcategory_id': pick.subcategory_id,
                'payment_method_id': pick.payment_method_id,
                'place': pick.place,
            }
        )

    async def moved(self, position: tuple[float, float] | None) -> None:
        picks = await run.io_bound(quick_picks, self.user, None, *(position or (None, None)))
        if picks is not None and not self.row.is_deleted:
            self.render(picks)
