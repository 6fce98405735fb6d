"""Expenses › Import (issue 16): upload a file, check how it was read, map its columns, answer the date
question, read the dry-run report, choose, confirm; and the history of imports, each undoable.

Every change of a choice runs the dry run again (the service is the one the API and the CLI call), so what
the report shows is exactly what the confirmation will do. The uploaded file waits in a temporary file of
this page, removed when the page goes away or another file is chosen. Texts of the file (headers, cells,
names) are shown as text only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nicegui import events, ui

from app.i18n import _, current, ngettext, use_language
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.import_choices import choices_card, date_question_card
from app.pages.components.import_history_card import history_card
from app.pages.components.import_report_view import report_card
from app.services import categories, import_file, payment_methods
from app.services.import_types import ImportOptions, ImportReport
from app.web.body_limit import allow_larger_body, forget_larger_body

UPLOAD_SLACK = 1024 * 1024
ACCEPT = '.csv,.tsv,.txt,.xlsx,.ofx,.qfx,.qif,.xml,.sta,.mt940,.940,.json'


@dataclass
class ImportState:
    """What the person chose so far; `report` is the last dry run (or the confirmed import)."""

    path: Path | None = None
    file_name: str = ''
    preset: str | None = None
    mapping: dict[str, str] | None = None
    encoding: str | None = None
    delimiter: str | None = None
    date_format: str | None = None
    negatives: str | None = None
    skip_invalid: bool = False
    keep: set[int] = field(default_factory=set)
    default_category: int | None = None
    default_payment_method: int | None = None
    category_map: dict[str, int] = field(default_factory=dict)
    method_map: dict[str, int] = field(default_factory=dict)
    subcategory_map: dict[tuple[str, str], int] = field(default_factory=dict)
    skip_types: tuple[str, ...] | None = None
    refunds: str = 'deduct'
    report: ImportReport | None = None
    done: ImportReport | None = None

    def options(self, *, dry_run: bool) -> ImportOptions:
        return ImportOptions(
            dry_run=dry_run,
            skip_invalid=self.skip_invalid,
            keep_possible=tuple(sorted(self.keep)),
            default_category=self.default_category,
            default_payment_method=self.default_payment_method,
            category_map=tuple(self.category_map.items()),
            payment_method_map=tuple(self.method_map.items()),
            subcategory_map=tuple((parent, name, number) for (parent, name), number in self.subcategory_map.items()),
            refunds=self.refunds,
        )

    def forget_file(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
        self.__init__()  # type: ignore[misc]  # every choice belonged to that file


class ImportPage:
    def __init__(self, user: User) -> None:
        self.user = user
        self.state = ImportState()
        self.category_options: dict[int, str] = {}
        self.method_options: dict[int, str] = {}

    async def show(self) -> None:
        names = await call_service(categories.category_tree, self.user) or []
        for top in names:
            self.category_options[top.id] = top.name
            for child in top.children:
                self.category_options[child.id] = f'{top.name} › {child.name}'
        methods = await call_service(payment_methods.list_payment_methods, self.user) or []
        self.method_options = {method.id: method.name for method in methods}
        ui.label(
            _(
                'Bring in your history from a bank (CSV, OFX/QFX, QIF, CAMT.053, MT940), a spreadsheet (CSV, TSV, '
                'XLSX) or another tracker. Nothing is saved before you confirm the report, and an import can be '
                'undone as a whole.'
            )
        ).classes('text-sm opacity-80 max-w-3xl')
        limit = import_file.max_bytes()
        # Quasar's uploader is kept out of sight (its own header fails accessibility checks); this button
        # opens its file chooser, in the browser, inside the click as browsers require
        upload = ui.upload(on_upload=self.uploaded, auto_upload=True, max_file_size=limit)
        upload.props(f'accept="{ACCEPT}"').classes('hidden').mark('import-upload')
        upload.on_rejected(
            lambda: ui.notify(
                _('The file is larger than {limit} MB, the most an import takes.', limit=limit // (1024 * 1024)),
                type='negative',
            )
        )
        with ui.row().classes('items-center gap-3'):
            ui.button(_('Choose a file'), icon='upload_file').props('no-caps').mark('import-choose').on(
                'click', js_handler=f'() => getElement({upload.id}).$refs.qRef.pickFiles()'
            )
            ui.label(_('at most {limit} MB', limit=limit // (1024 * 1024))).classes('text-sm opacity-70')
        address = str(upload.props['url'])
        allow_larger_body(address, limit + UPLOAD_SLACK)  # NiceGUI's upload route, this page's only

        def gone() -> None:
            self.state.forget_file()
            forget_larger_body(address)

        ui.context.client.on_delete(gone)
        self.work = ui.column().classes('w-full gap-4').mark('import-work')
        self.history = ui.column().classes('w-full gap-2')
        self.draw()
        await self.draw_history()

    async def uploaded(self, event: events.UploadEventArguments) -> None:
        self.state.forget_file()
        path = import_file.new_upload_path()
        with path.open('wb') as handle:  # chunk by chunk: a large upload never sits whole in memory
            async for chunk in event.file.iterate():
                handle.write(chunk)
        self.state.path, self.state.file_name = path, event.file.name or 'upload'
        await self.rerun()

    async def _import(self, *, dry_run: bool, busy: ui.button | None = None) -> ImportReport | None:
        """The one call behind the dry run and the import: the same choices, only `dry_run` differs."""
        state = self.state
        return await call_service(
            _in_language(current()),
            self.user,
            state.path,
            state.file_name,
            state.options(dry_run=dry_run),
            preset=state.preset,
            mapping=state.mapping,
            encoding=state.encoding,
            delimiter=state.delimiter,
            date_format=state.date_format,
            negatives=state.negatives,
            skip_types=state.skip_types,
            busy=busy,
        )

    async def rerun(self) -> None:
        """The dry run with the current choices; the report replaces the last one."""
        state = self.state
        if state.path is None:
            return
        state.report = await self._import(dry_run=True)
        state.done = None
        with self.work:
            self.draw()

    async def confirm(self) -> None:
        state = self.state
        if state.path is None:
            return
        done = await self._import(dry_run=False, busy=self.confirm_button)
        if done is None:
            return
        state.forget_file()
        state.done = done
        with self.work:  # the clicked button goes with the redraw: carry on in containers that stay
            self.draw()
        with self.history:
            await self.draw_history()

    def draw(self) -> None:
        self.work.clear()
        state = self.state
        with self.work:
            if state.done is not None:
                report_card(state.done, self.user)
                return
            report = state.report
            if report is None:
                return
            choices_card(self, report)
            if report.missing_columns:
                for missing in report.missing_columns:
                    ui.label(import_file.MISSING[missing].render()).classes('text-negative').mark('import-missing')
                return
            if report.date_question is not None:
                date_question_card(self, report.date_question)
                return
            report_card(report, self.user, page=self)
            with ui.row().classes('gap-2 items-center'):
                blocked = report.invalid_count > 0 and not state.skip_invalid
                self.confirm_button = (
                    ui.button(
                        ngettext('Import {n} expense', 'Import {n} expenses', report.to_import),
                        icon='file_download_done',
                    )
                    .props('no-caps')
                    .mark('import-confirm')
                )
                self.confirm_button.on_click(self.confirm)
                if blocked or report.to_import == 0:
                    self.confirm_button.disable()
                cancel = ui.button(_('Choose another file'), on_click=self.cancel).props('flat no-caps')
                cancel.mark('import-cancel')
                if blocked:
                    ui.label(_('Correct the file, or choose to skip the invalid rows.')).classes('text-sm')

    def cancel(self) -> None:
        self.state.forget_file()
        self.draw()

    async def draw_history(self) -> None:
        await history_card(self.history, self.user, on_undone=self.draw_history)


def _in_language(language: str) -> Callable[..., ImportReport]:
    """`import_file` run in the page's language (a worker thread has none): the names it creates for rows
    without a category or payment method are in the words the person reads."""

    def run(*args: Any, **kwargs: Any) -> ImportReport:
        with use_language(language):
            return import_file.import_file(*args, **kwargs)

    return run


async def import_page(user: User) -> None:
    await ImportPage(user).show()
