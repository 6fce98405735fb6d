"""The list page of the things expenses are filed under, each with a name and an icon: categories and payment
methods. Both list their items with how many expenses use each, add and edit them in a dialog, and delete
them with Undo (or, when expenses use one, move those first); this is that page once.

What a kind says, marks and calls is an `ItemKind`; what one kind has besides a name and an icon (the
categories' tree, parents and colours) is a subclass of `NamedItemsPage` overriding the hooks below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from nicegui import run, ui

from app.i18n import _, ngettext
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.buttons import icon_button
from app.pages.components.icon_picker import icon_field
from app.pages.components.move_dialog import close_and_delete, confirm_delete, move_and_delete
from app.pages.components.undo_notification import UndoOffers
from app.services import icons, named_items
from app.services.validation import UNSET


class Item(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def icon(self) -> str: ...


ItemT = TypeVar('ItemT', bound=Item)
PlanT = TypeVar('PlanT', bound=named_items.DeletionPlan)


def expenses_text(count: int) -> str:
    return ngettext('{n} expense', '{n} expenses', count)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemKind(Generic[ItemT, PlanT]):
    """What the page of one kind says and marks, and the services it calls (each takes the user first).

    What it says are whole sentences per kind (French agrees them with the noun's gender), marked with `N_`
    and translated when shown; those with a count are functions returning `ngettext`'s text."""

    what: str  # 'category' or 'payment method': the key of the move dialog's texts
    intro: str  # the line above the list
    add: str  # the Add button: 'Add payment method'
    new: str  # the dialog's title for a new one: 'New payment method'
    empty: str  # the empty list
    added: str  # the toasts, with a {name} placeholder
    saved: str
    restored: str
    in_use: Callable[[PlanT], str]  # why an item in use cannot simply go
    # 'payment-method' gives the markers add-…, …-{id}, …-icon-{id}, edit-…-{id}, delete-…-{id},
    # …-dialog, …-name, …-icon and save-…
    marker: str
    list_marker: str
    move_field: str  # the move dialog's field, as the service names it in a refusal
    undo_event: str  # one page event per deleted item: with an {id} placeholder
    default_icon: str
    load: Callable[[User], tuple[Sequence[ItemT], Mapping[int, int]]]  # the items, and how many expenses use each
    create: Callable[..., ItemT]  # (user, **the dialog's fields)
    update: Callable[..., ItemT]  # (user, id, **the dialog's fields)
    plan_deletion: Callable[[User, int], PlanT]
    delete: Callable[..., named_items.Deleted[Any]]  # (user, id, move_to=..., **delete_options)
    restore: Callable[[User, Any], ItemT]  # (user, the snapshot `delete` gave)
    delete_options: Mapping[str, Any] = field(default_factory=dict)
    kept_when_empty: tuple[str, ...] = ('icon',)  # fields an edit leaves as they are when emptied


class NamedItemsPage(Generic[ItemT, PlanT]):
    """One user's list page of one kind; `show()` draws it."""

    # Enter in the icon field saves too (the categories' dialog never did; kept as it was)
    ENTER_IN_ICON_SAVES: ClassVar[bool] = True

    def __init__(self, user: User, kind: ItemKind[ItemT, PlanT]) -> None:
        self.user = user
        self.kind = kind
        self.items: Sequence[ItemT] = ()
        self.undo_offers = UndoOffers(
            kind.undo_event,
            lambda snapshot: kind.restore(user, snapshot),
            refresh=lambda: self.listing.refresh(),
            restored=lambda item: _(kind.restored, name=item.name),
        )

    async def show(self) -> None:
        kind = self.kind
        with ui.row().classes('w-full items-center'):
            ui.label(_(kind.intro)).classes('opacity-70')
            ui.space()
            ui.button(_(kind.add), icon='add', on_click=lambda: self.edit_dialog(None)).props('no-caps').mark(
                f'add-{kind.marker}'
            )
        await self.listing()

    @ui.refreshable_method
    async def listing(self) -> None:
        loaded = await run.io_bound(self.kind.load, self.user)
        if loaded is None:  # the client went away meanwhile
            return
        items, counts = loaded
        self.items = items
        if not items:
            ui.label(_(self.kind.empty)).classes('opacity-70')
            return
        with (
            ui.card().classes('w-full p-0'),
            ui.list().props('separator').classes('w-full').mark(self.kind.list_marker),
        ):
            self.rows(items, counts)

    # hooks: a kind overrides these for what it has besides a name and an icon

    def rows(self, items: Sequence[ItemT], counts: Mapping[int, int]) -> None:
        for item in items:
            self.row(item, counts)

    def tint(self, icon: ui.icon, item: ItemT) -> None:
        icon.classes('text-primary')

    def row_buttons(self, item: ItemT, *, nested: bool) -> None:
        """Buttons before Edit and Delete."""

    def extra_fields(self, item: ItemT | None, preset: Mapping[str, Any]) -> dict[str, Any]:
        """The dialog's fields between the name and the icon, by the service's names; a `color` field tints
        the icon. `preset` is what `edit_dialog` was given for a new item."""
        return {}

    def move_targets(self, item: ItemT) -> dict[int, str]:
        return {other.id: other.name for other in self.items if other.id != item.id}

    def in_use_message(self, plan: PlanT) -> str:
        return self.kind.in_use(plan)

    def confirmation(self, plan: PlanT) -> tuple[str, str]:
        """The question and the detail of deleting an item no expense uses."""
        return _('Delete {name}?', name=plan.name), _('No expense uses it; you can undo for a few seconds.')

    # the page itself

    def row(self, item: ItemT, counts: Mapping[int, int], *, nested: bool = False) -> None:
        marker, used = self.kind.marker, counts.get(item.id, 0)
        with ui.item().classes('pl-10' if nested else '').mark(f'{marker}-{item.id}'):
            with ui.item_section().props('avatar'):
                icon = ui.icon(icons.display_icon(item.icon, self.kind.default_icon)).mark(f'{marker}-icon-{item.id}')
                self.tint(icon, item)
            with ui.item_section():
                ui.item_label(item.name).classes('' if nested else 'font-medium')
                if used:
                    ui.item_label(expenses_text(used)).props('caption')
            with ui.item_section().props('side'), ui.row().classes('gap-0 no-wrap'):
                self.row_buttons(item, nested=nested)
                icon_button('edit', _('Edit {name}', name=item.name), f'edit-{marker}-{item.id}').on_click(
                    lambda: self.edit_dialog(item)
                )
                icon_button('delete', _('Delete {name}', name=item.name), f'delete-{marker}-{item.id}').props(
                    'color=negative'
                ).on_click(lambda: self.delete(item))

    def edit_dialog(self, item: ItemT | None, **preset: Any) -> None:
        kind, marker = self.kind, self.kind.marker
        with ui.dialog() as dialog, ui.card().classes('w-full max-w-md').mark(f'{marker}-dialog'):
            ui.label(_(kind.new) if item is None else _('Edit {name}', name=item.name)).classes('text-lg font-semibold')
            name = (
                ui.input(_('Name'), value='' if item is None else item.name)
                .props('outlined autofocus maxlength=80')
                .classes('w-full')
                .mark(f'{marker}-name')
            )
            extra = self.extra_fields(item, preset)
            icon = icon_field(
                '' if item is None else item.icon,
                default=kind.default_icon,
                mark=f'{marker}-icon',
                tint=extra.get('color'),
            )
            fields = {'name': name, **extra, 'icon': icon}
            with ui.row().classes('w-full justify-end pt-2'):
                ui.button(_('Cancel'), on_click=lambda: close_and_delete(dialog)).props('flat')
                save_button = ui.button(_('Save'), icon='check').mark(f'save-{marker}')

            async def save() -> None:
                shown: dict[str, Any] = {
                    'fields': fields,
                    'dialog': dialog,
                    'busy': save_button,
                    'refresh': self.listing.refresh,
                }
                if item is None:
                    values = {key: element.value for key, element in fields.items()}
                    await call_service(
                        kind.create, self.user, **values, success=lambda i: _(kind.added, name=i.name), **shown
                    )
                else:
                    changes: dict[str, Any] = {
                        key: (element.value or UNSET) if key in kind.kept_when_empty else element.value
                        for key, element in fields.items()
                    }
                    await call_service(
                        kind.update,
                        self.user,
                        item.id,
                        **changes,
                        success=lambda i: _(kind.saved, name=i.name),
                        **shown,
                    )

            save_button.on_click(save)
            name.on('keydown.enter', save)
            if self.ENTER_IN_ICON_SAVES:
                icon.on('keydown.enter', save)
        dialog.open()

    async def delete(self, item: ItemT) -> None:
        kind = self.kind
        plan = await call_service(kind.plan_deletion, self.user, item.id)
        if plan is None:
            return
        if plan.used:

            async def move_then_delete(target: int, **shown: Any) -> None:
                await call_service(
                    kind.delete,
                    self.user,
                    plan.id,
                    move_to=target,
                    **kind.delete_options,
                    refresh=self.listing.refresh,
                    success=lambda result: ngettext(
                        '{n} expense moved; {name} deleted.',
                        '{n} expenses moved; {name} deleted.',
                        result.moved,
                        name=plan.name,
                    ),
                    **shown,
                )

            targets = self.move_targets(item)
            move_and_delete(
                self.in_use_message(plan), targets, what=kind.what, field=kind.move_field, on_move=move_then_delete
            )
            return

        async def confirmed(**shown: Any) -> None:
            await call_service(
                kind.delete,
                self.user,
                plan.id,
                **kind.delete_options,
                refresh=self.listing.refresh,
                after=self.offer_undo,
                **shown,
            )

        question, detail = self.confirmation(plan)
        confirm_delete(question, detail, confirmed)

    def offer_undo(self, result: named_items.Deleted[Any]) -> None:
        self.undo_offers.offer(result.snapshot.id, result.snapshot.name, result.snapshot)
