"""A block of text to copy (a key, a token), readable by keyboard and screen-reader users."""

from __future__ import annotations

from nicegui import ui

from app.i18n import _


def code_block(content: str, *, label: str) -> ui.code:
    """`ui.code` whose copy button says what it copies and whose scrolling box can take the focus (a keyboard
    scrolls a long key only from inside it; axe: button-name, scrollable-region-focusable)."""
    block = ui.code(content, language='text')
    block.copy_button.props['aria-label'] = _('Copy: {what}', what=label)
    block.markdown.props('tabindex=0 role=region')
    block.markdown.props['aria-label'] = label[:1].upper() + label[1:]
    return block
