"""Receipts in the service layer: what is kept (type by content, EXIF gone, thumbnail), who sees them, and
how they follow their expense through delete, Undo, purge, backup and restore."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from app.models import Receipt
from app.services import backups, expenses, receipt_files, receipt_rows, receipts
from app.services.errors import Invalid, NotFound
from tests import receipt_images as files
from tests.builders import add, link
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures('database')


def on_disk() -> list[str]:
    return [name for name, _ in receipt_files.stored_files()]


def test_a_photo_is_kept_by_its_hash_with_a_thumbnail_and_listed_with_its_expense(alice, things) -> None:
    expense = add(alice, things)
    receipt = receipts.attach(alice, expense.id, 'C:\\photos\\Till 12:03.JPG', files.photo())
    assert receipt.content_type == 'image/jpeg' and receipt.filename == 'Till 12_03.jpg'
    stored = Receipt.get_by_id(receipt.id)
    assert sorted(on_disk()) == sorted(
        [f'{stored.sha256[:2]}/{stored.sha256}.jpg', f'{stored.sha256[:2]}/{stored.sha256}.thumb.jpg']
    )
    assert [r.id for r in expenses.get_expense(alice, expense.id).receipts] == [receipt.id]
    listed = expenses.list_expenses(alice, None).expenses[0]
    assert listed.receipts[0].url == f'/sysapi/receipt?id={receipt.id}'
    thumb = receipts.open_file(alice, receipt.id, thumbnail=True)
    assert thumb.content_type == 'image/jpeg' and Image.open(thumb.path).size[0] <= receipt_files.THUMB_SIZE


def test_exif_is_removed_and_the_picture_turned_upright(alice, things) -> None:
    expense = add(alice, things)
    original = files.photo(size=(60, 30))
    assert files.CAMERA.encode() in original
    receipt = receipts.attach(alice, expense.id, 'a.jpg', original)
    kept = receipts.open_file(alice, receipt.id).path.read_bytes()
    assert files.CAMERA.encode() not in kept
    image = Image.open(io.BytesIO(kept))
    assert dict(image.getexif()) == {} and image.size == (30, 60) == (receipt.width, receipt.height)


@pytest.mark.parametrize('kind', ['PNG', 'WEBP'])
def test_png_and_webp_lose_their_exif_too(alice, things, kind) -> None:
    receipt = receipts.attach(alice, add(alice, things).id, 'a', files.photo(kind))
    kept = receipts.open_file(alice, receipt.id).path.read_bytes()
    assert files.CAMERA.encode() not in kept and receipt.content_type == f'image/{kind.lower()}'


def test_heic_becomes_a_jpeg_without_exif(alice, things) -> None:
    if not receipt_files.HEIC_SUPPORTED:
        pytest.skip('pillow-heif is not installed')
    image = Image.new('RGB', (40, 20), 'blue')
    out = io.BytesIO()
    tags = Image.Exif()
    tags[0x010F] = files.CAMERA
    image.save(out, 'HEIF', exif=tags.tobytes())
    receipt = receipts.attach(alice, add(alice, things).id, 'IMG_0001.HEIC', out.getvalue())
    assert receipt.content_type == 'image/jpeg' and receipt.filename == 'IMG_0001.jpg'
    assert files.CAMERA.encode() not in receipts.open_file(alice, receipt.id).path.read_bytes()


def test_a_pdf_is_kept_as_it_came(alice, things) -> None:
    receipt = receipts.attach(alice, add(alice, things).id, 'invoice.pdf', files.pdf())
    found = receipts.open_file(alice, receipt.id)
    assert found.path.read_bytes() == files.pdf() and found.content_type == 'application/pdf'
    assert receipts.open_file(alice, receipt.id, thumbnail=True).path.is_file()


@pytest.mark.parametrize(
    ('data', 'words'),
    [
        (files.executable_named_jpeg(), 'not a photo or a PDF'),
        (files.jpeg_header_then_garbage(), 'damaged'),
        (b'<svg onload="alert(1)"/>', 'not a photo or a PDF'),
        (b'', 'empty'),
        (files.pdf_with_script(), 'scripts'),
        (files.pdf_with_hidden_script(), 'scripts'),
    ],
)
def test_what_is_not_a_clean_receipt_is_refused_and_nothing_is_kept(alice, things, data, words) -> None:
    expense = add(alice, things)
    with pytest.raises(Invalid) as refused:
        receipts.attach(alice, expense.id, 'photo.jpg', data)
    assert words in refused.value.message and refused.value.field == 'file'
    assert Receipt.select().count() == 0 and on_disk() == []


def test_a_file_over_receipt_max_mb_is_refused(alice, things, monkeypatch) -> None:
    monkeypatch.setattr(receipts, 'max_bytes', lambda: 1000)
    with pytest.raises(Invalid, match='larger than 10 MB'):
        receipts.attach(alice, add(alice, things).id, 'big.jpg', files.photo(size=(400, 400)))
    assert on_disk() == []


def test_a_stranger_gets_not_found_for_everything(alice, things) -> None:
    expense = add(alice, things)
    receipt = receipts.attach(alice, expense.id, 'a.jpg', files.photo())
    mallory = make_user('mallory')
    for action in (
        lambda: receipts.open_file(mallory, receipt.id),
        lambda: receipts.open_file(mallory, receipt.id, thumbnail=True),
        lambda: receipts.delete_receipt(mallory, receipt.id),
        lambda: receipts.attach(mallory, expense.id, 'b.jpg', files.photo()),
        lambda: receipts.receipts_of(mallory, expense.id),
    ):
        with pytest.raises(NotFound):
            action()
    assert Receipt.select().count() == 1


def test_a_linked_user_sees_and_adds_receipts(alice, things) -> None:
    bob = make_user('bob')
    link(alice, bob)
    expense = add(alice, things)
    receipts.attach(bob, expense.id, 'b.png', files.photo('PNG'))
    assert [r.filename for r in receipts.receipts_of(alice, expense.id)] == ['b.png']


def test_deleting_one_receipt_removes_its_file_unless_another_shares_it(alice, things) -> None:
    first, second = add(alice, things), add(alice, things)
    data = files.photo()
    a = receipts.attach(alice, first.id, 'a.jpg', data)
    b = receipts.attach(alice, second.id, 'b.jpg', data)
    assert len(on_disk()) == 2  # the same bytes are kept once
    receipts.delete_receipt(alice, a.id)
    assert len(on_disk()) == 2
    receipts.delete_receipt(alice, b.id)
    assert on_disk() == []
    with pytest.raises(NotFound):
        receipts.open_file(alice, b.id)


def test_receipts_leave_with_their_expense_and_come_back_with_undo(alice, things) -> None:
    expense = add(alice, things)
    receipt = receipts.attach(alice, expense.id, 'a.jpg', files.photo())
    snapshot = expenses.delete_expense(alice, expense.id)
    assert snapshot.receipt_ids == (receipt.id,)
    with pytest.raises(NotFound):
        receipts.open_file(alice, receipt.id)
    restored = expenses.restore_expense(alice, snapshot)
    assert [r.id for r in restored.receipts] == [receipt.id]
    assert receipts.open_file(alice, receipt.id).path.is_file()


def test_after_the_undo_window_the_purge_deletes_rows_and_files(alice, things) -> None:
    expense = add(alice, things)
    receipts.attach(alice, expense.id, 'a.jpg', files.photo())
    kept = add(alice, things)
    receipts.attach(alice, kept.id, 'b.png', files.photo('PNG'))
    expenses.delete_expense(alice, expense.id)
    assert receipt_rows.purge() == 0 and len(on_disk()) == 4  # Undo can still bring it back
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + receipt_rows.UNDO_WINDOW + dt.timedelta(minutes=1)
    assert receipt_rows.purge(later) == 1
    assert Receipt.select().count() == 1 and len(on_disk()) == 2


def test_receipts_are_in_the_backup_and_come_back_with_a_restore(alice, things) -> None:
    expense = add(alice, things)
    receipt = receipts.attach(alice, expense.id, 'a.jpg', files.photo())
    original = receipts.open_file(alice, receipt.id).path.read_bytes()
    info = backups.create_backup(name='with-receipts')
    assert {m for m in info.manifest.members if m.startswith('receipts/')} == {f'receipts/{n}' for n in on_disk()}
    receipts.delete_receipt(alice, receipt.id)
    receipts.attach(alice, expense.id, 'other.png', files.photo('PNG'))
    assert len(on_disk()) == 2
    backups.restore_backup(file='with-receipts', force=True)
    assert receipts.open_file(alice, receipt.id).path.read_bytes() == original
    assert len(on_disk()) == 2 and Receipt.select().count() == 1  # the later receipt's files went with its row


def test_a_backup_with_a_forged_receipt_member_is_refused(alice, things, tmp_path) -> None:
    import tarfile

    receipts.attach(alice, add(alice, things).id, 'a.jpg', files.photo())
    info = backups.create_backup(name='good')
    forged = tmp_path / 'forged.tar.gz'
    with tarfile.open(info.path) as source, tarfile.open(forged, 'w:gz') as out:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.startswith('receipts/'):
                member.name = 'receipts/../../evil.jpg'
            out.addfile(member, io.BytesIO(data))
    with pytest.raises(Invalid):
        backups.verify_backup(forged)


def test_a_path_registered_twice_keeps_the_larger_body_limit(monkeypatch) -> None:
    from app.web import body_limit

    monkeypatch.setattr(body_limit, '_LARGER', {})
    body_limit.allow_larger_body('/_nicegui/client/', 50 << 20)  # import files
    body_limit.allow_larger_body('/_nicegui/client/', 10 << 20)  # receipts, registered later
    assert body_limit.limit_for('/_nicegui/client/abc/upload/1') == 50 << 20
    body_limit.allow_larger_body('/_nicegui/client/', 60 << 20)
    assert body_limit.limit_for('/_nicegui/client/abc/upload/1') == 60 << 20
