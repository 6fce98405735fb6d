"""The receipts part of the expense dialog: thumbnails with a full-size view, a photo from the phone's
camera or a file (photo or PDF), and, for a new expense, what the photo says (total, date, shop) offered
for the person to use.

An expense being edited gets each receipt at once (receipts.attach), as the API would. A new expense has no
id yet: its files wait in the dialog (already checked, so a refusal shows as they are chosen) and are
attached by the same worker-thread call that saves the expense (`wrap`); a save retried after a refusal
attaches what is still waiting, once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nicegui import events, run, ui

from app.i18n import _
from app.models import User
from app.pages.components.actions import call_service
from app.services import formats, ocr, receipt_files, receipts
from app.services.errors import ServiceError
from app.services.receipt_types import ReceiptRef

ACCEPT_PHOTOS = 'image/*'
ACCEPT_FILES = 'image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf,.heic,.heif,.pdf'


@dataclass
class Waiting:
    """A file chosen for an expense not saved yet: its name, its bytes and a small picture of it."""

    filename: str
    data: bytes
    thumbnail: str  # a data: URL
    is_pdf: bool


def viewer(files: Sequence[tuple[str, str | None, str | None]]) -> None:
    """A dialog showing receipts full size, one under the other: (name, image source or None for a PDF,
    download address or None for a file not saved yet). One file's Download sits beside Close."""
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-3xl items-center').mark('receipt-viewer'):
        for name, source, download in files:
            ui.label(name).classes('text-sm opacity-70 break-all')
            if source is not None:
                image = ui.image(source).classes('w-full max-h-[75vh]').props('fit=contain').mark('receipt-full')
                image.props['alt'] = _('Receipt')
            else:
                ui.icon('picture_as_pdf', size='4rem').classes('text-red-700')
            if download is not None and len(files) > 1:
                with ui.row().classes('w-full justify-end'):
                    _download_button(download)
        with ui.row().classes('w-full justify-end gap-2'):
            if len(files) == 1 and files[0][2] is not None:
                _download_button(files[0][2])
            ui.button(_('Close'), on_click=dialog.close).mark('close-receipt')
    dialog.on('hide', dialog.delete)
    dialog.open()


def _download_button(address: str) -> None:
    fetch = functools.partial(ui.download.from_url, address)
    ui.button(_('Download'), icon='download', on_click=fetch).props('flat').mark('download-receipt')


def show_receipts(saved: Sequence[ReceiptRef]) -> None:
    """Saved receipts in the viewer: photos through the pages' session route, PDFs to download."""
    files = []
    for receipt in saved:
        url = f'/receipt-files/{receipt.id}'
        files.append((receipt.filename, None if receipt.content_type == 'application/pdf' else url, url))
    viewer(files)


class ReceiptsBox:
    def __init__(self, user: User, initial: Mapping[str, Any], fields: Mapping[str, Any]) -> None:
        self.user = user
        self.expense_id = initial.get('id')
        self.fields = fields
        self.saved: list[ReceiptRef] = list(initial.get('receipts') or ())
        self.waiting: list[Waiting] = []
        limit = receipts.max_bytes()
        with ui.column().classes('w-full gap-1').mark('receipts-box'):
            ui.label(_('Receipts')).classes('text-sm opacity-70')
            self.gallery = ui.row().classes('w-full gap-2 items-center').mark('receipt-gallery')
            with ui.row().classes('w-full gap-2'):
                self.camera = self._uploader(ACCEPT_PHOTOS, limit, 'receipt-camera').props('capture=environment')
                self.picker = self._uploader(ACCEPT_FILES, limit, 'receipt-file')
                self._button(_('Take a photo'), 'photo_camera', self.camera, 'take-receipt-photo')
                self._button(_('Attach a file'), 'attach_file', self.picker, 'attach-receipt-file')
            self.reading = ui.column().classes('w-full gap-1').mark('receipt-reading')
        self._render()

    def _uploader(self, accept: str, limit: int, mark: str) -> ui.upload:
        """A Quasar uploader kept out of sight: its button below opens the phone's camera or file chooser."""
        upload = ui.upload(on_upload=self._uploaded, auto_upload=True, max_file_size=limit, multiple=True)
        upload.props(f'accept="{accept}"').classes('hidden').mark(mark)
        upload.on_rejected(lambda: ui.notify(receipts.too_large_message().render(), type='warning', multi_line=True))
        return upload

    @staticmethod
    def _button(text: str, icon: str, upload: ui.upload, mark: str) -> None:
        # picked in the browser, inside the click: phones open the camera or the chooser only from a tap
        ui.button(text, icon=icon).props('outline no-caps dense').classes('px-2').mark(mark).on(
            'click', js_handler=f'() => getElement({upload.id}).$refs.qRef.pickFiles()'
        )

    # --- showing ---------------------------------------------------------------------------------------

    def _render(self) -> None:
        self.gallery.clear()
        with self.gallery:
            if not self.saved and not self.waiting:
                ui.label(_('No receipt yet.')).classes('text-sm opacity-60').mark('no-receipt')
            for saved in self.saved:
                self._tile(
                    f'/receipt-files/{saved.id}/thumbnail',
                    saved.filename,
                    functools.partial(self._show_saved, saved),
                    functools.partial(self._delete_saved, saved),
                )
            for waiting in self.waiting:
                self._tile(
                    waiting.thumbnail,
                    waiting.filename,
                    functools.partial(self._show_waiting, waiting),
                    functools.partial(self._drop_waiting, waiting),
                )

    @staticmethod
    def _tile(source: str, name: str, show: Callable[[], Any], remove: Callable[[], Any]) -> None:
        with ui.element('div').classes('relative').mark('receipt-tile'):
            image = ui.image(source).classes('w-20 h-20 rounded border cursor-pointer').props('fit=cover')
            image.props['alt'] = _('Receipt')
            image.mark('receipt-thumbnail').on('click', show)
            image.tooltip(name)
            delete = ui.button(icon='close', on_click=remove).props('round dense size=xs color=negative')
            delete.classes('absolute -top-2 -right-2').mark('delete-receipt')
            delete.props['aria-label'] = _('Remove this receipt')

    def _show_saved(self, receipt: ReceiptRef) -> None:
        show_receipts([receipt])

    async def _show_waiting(self, waiting: Waiting) -> None:
        source = None if waiting.is_pdf else await call_service(receipt_files.larger_preview, waiting.data)
        viewer([(waiting.filename, source, None)])

    # --- changing --------------------------------------------------------------------------------------

    async def _uploaded(self, event: events.UploadEventArguments) -> None:
        name, data = event.file.name, await event.file.read()
        event.sender.run_method('reset')
        if self.expense_id is not None:
            saved = await call_service(receipts.attach, self.user, self.expense_id, name, data)
            if saved is not None:
                self.saved.append(saved)
                self._render()
            return
        checked = await call_service(receipt_files.check_and_preview, data)
        if checked is None:
            return
        thumbnail, is_pdf = checked
        self.waiting.append(Waiting(name, data, thumbnail, is_pdf))
        self._render()
        if not is_pdf and len(self.waiting) == 1 and ocr.available():
            await self._read(data)

    async def _delete_saved(self, receipt: ReceiptRef) -> None:
        if await call_service(receipts.delete_receipt, self.user, receipt.id) is not None:
            self.saved = [r for r in self.saved if r.id != receipt.id]
            self._render()

    def _drop_waiting(self, waiting: Waiting) -> None:
        self.waiting = [w for w in self.waiting if w is not waiting]
        self._render()

    def wrap(self, save: Callable[[dict], Any]) -> Callable[[dict], Any]:
        """The dialog's save, followed (in the same worker thread) by attaching the files that wait."""

        def save_and_attach(values: dict) -> Any:
            result = save(values)
            expense_id = getattr(result, 'id', None)
            while self.waiting and expense_id is not None:
                receipts.attach(self.user, expense_id, self.waiting[0].filename, self.waiting[0].data)
                self.waiting.pop(0)
            return result

        return save_and_attach

    # --- reading the photo -----------------------------------------------------------------------------

    async def _read(self, data: bytes) -> None:
        self.reading.clear()
        with self.reading, ui.row().classes('items-center gap-2'):
            ui.spinner(size='sm')
            ui.label(_('Reading the receipt…')).classes('text-sm')
        try:
            found = await run.io_bound(ocr.read_receipt, data, locale=self.user.locale, timezone=self.user.timezone)
        except ServiceError as exc:
            self.reading.clear()
            with self.reading:
                ui.label(exc.render()).classes('text-sm opacity-80').mark('receipt-unread')
            return
        if found is None or self.reading.is_deleted:
            return
        self._offer(found)

    def _offer(self, found: ocr.ReceiptReading) -> None:
        locale = self.user.locale
        parts = []
        if found.total_cents is not None:
            parts.append(formats.money(found.total_cents, self.user.currency, locale))
        if found.date is not None:
            parts.append(formats.long_date(found.date, locale))
        if found.shop:
            parts.append(found.shop)
        self.reading.clear()
        with self.reading, ui.card().classes('w-full p-2 gap-1').props('flat bordered').mark('receipt-suggestion'):
            ui.label(_('Read on the receipt: {found}', found=' · '.join(parts))).classes('text-sm')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button(_('Ignore'), on_click=self.reading.clear).props('flat dense no-caps').mark('ignore-reading')
                ui.button(_('Use these'), icon='done', on_click=functools.partial(self._use, found)).props(
                    'dense no-caps'
                ).mark('use-reading')

    def _use(self, found: ocr.ReceiptReading) -> None:
        """Fill the form with what was read; the description and the place only when they are empty."""
        if found.total_cents is not None:
            self.fields['amount'].set_value(formats.amount_for_input(found.total_cents, self.user.locale))
        if found.date is not None:
            self.fields['date'].set_value(found.date.isoformat())
        for name in ('description', 'place'):
            element = self.fields.get(name)
            if found.shop and element is not None and not (element.value or '').strip():
                element.set_value(found.shop)
        self.reading.clear()
