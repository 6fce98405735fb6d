"""The tags field: chips of the expense's tags, completed from the household's tags, a new one added by
typing it and pressing Enter (or a comma). Used by the expense dialog and the bulk "Tags" action."""

from __future__ import annotations

from collections.abc import Iterable

from nicegui import ui

from app.i18n import _


def tag_input(known: Iterable[str], value: Iterable[str] = (), *, label: str | None = None, mark: str) -> ui.select:
    """A multiple select whose options are the household's tags; its value is the list of chosen names."""
    chosen = list(value)
    options = sorted({*known, *chosen}, key=str.casefold)
    field = (
        ui.select(
            options,
            value=chosen,
            label=label if label is not None else _('Tags (optional)'),
            multiple=True,
            with_input=True,
            new_value_mode='add-unique',
            clearable=True,
        )
        .props('outlined use-chips hide-bottom-space hide-dropdown-icon input-debounce=0')
        .classes('w-full')
        .mark(mark)
    )
    field.props['input-class'] = 'min-w-[4rem]'
    return field


def chosen_tags(field: ui.select) -> list[str]:
    value = field.value
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [str(name) for name in value or []]
