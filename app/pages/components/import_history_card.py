"""The history of imports on the Import page: file, when, rows, imported, still there, total; Undo per
import (after a confirmation), which deletes what it created and leaves what was entered by hand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from app.i18n import _, ngettext
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.confirm_dialog import Marks, confirm
from app.services import formats, import_history
from app.services.import_types import ImportView, UndoneImport


def _undone_text(undone: UndoneImport) -> str:
    return ngettext(
        'Import undone: {n} expense deleted.', 'Import undone: {n} expenses deleted.', undone.expenses_deleted
    )


async def history_card(target: ui.column, user: User, *, on_undone: Callable[[], Awaitable[None]]) -> None:
    views: list[ImportView] = await call_service(import_history.list_imports, user) or []
    target.clear()
    with target:
        ui.label(_('Past imports')).classes('text-lg font-semibold')
        if not views:
            ui.label(_('No imports yet.')).classes('text-sm opacity-80').mark('import-history-empty')
            return
        with ui.column().classes('w-full gap-1').mark('import-history'):
            for view in views:
                with ui.row().classes('w-full items-center gap-3 border-b py-1').mark(f'import-{view.id}'):
                    with ui.column().classes('gap-0 grow min-w-0'):
                        ui.label(view.file_name).classes('font-medium break-all')
                        ui.label(
                            _(
                                '{when} · {rows} rows · {imported} imported, {remaining} still there · {total}',
                                when=formats.local_timestamp(view.created_at, user.locale, user.timezone or None),
                                rows=view.rows,
                                imported=view.imported,
                                remaining=view.remaining,
                                total=formats.money(view.total_cents, user.currency, user.locale),
                            )
                        ).classes('text-xs opacity-80')
                    if view.undone_at is not None:
                        ui.badge(_('Undone')).props('outline').mark(f'import-undone-{view.id}')
                        continue

                    async def undo(view: ImportView = view, *, dialog: ui.dialog, busy: ui.button) -> None:
                        await call_service(
                            import_history.undo_import,
                            user,
                            view.id,
                            dialog=dialog,
                            busy=busy,
                            success=_undone_text,
                            after=lambda _result: on_undone(),
                        )

                    button = ui.button(_('Undo'), icon='undo').props('flat no-caps').mark(f'import-undo-{view.id}')
                    button.on_click(
                        lambda view=view, undo=undo: confirm(
                            _('Undo this import?'),
                            ngettext(
                                'Its {n} expense still there will be deleted, with the categories and payment '
                                'methods it created that nothing else uses. What you entered by hand stays.',
                                'Its {n} expenses still there will be deleted, with the categories and payment '
                                'methods it created that nothing else uses. What you entered by hand stays.',
                                view.remaining,
                            ),
                            confirm=_('Undo the import'),
                            marks=Marks.named('undo-import'),
                            on_confirm=undo,
                        )
                    )
