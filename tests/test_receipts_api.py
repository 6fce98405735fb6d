"""/sysapi/receipt_upload, /sysapi/receipt and /sysapi/receipt_delete over HTTP against the real app, and the
pages' cookie-only route /receipt-files/<id>."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from app.models import Receipt
from app.services import receipt_files
from tests import receipt_images as files
from tests.builders import add
from tests.conftest import API_KEY, api_login, make_user
from tests.page_steps import logged_in_alice

K = f'key={API_KEY}'


async def upload(user: User, expense_id, data: bytes, name: str = 'photo.jpg', kind: str = 'image/jpeg'):
    return await user.http_client.post(
        f'/sysapi/receipt_upload?{K}', data={'expense_id': str(expense_id)}, files={'file': (name, data, kind)}
    )


async def test_upload_view_thumbnail_list_and_delete(user: User) -> None:
    t = await logged_in_alice(user)
    expense = add(t['alice'], t)
    response = await upload(user, expense.id, files.photo(), name='till.jpg')
    assert response.status_code == 200, response.text
    receipt = response.json()['receipt']
    assert receipt['filename'] == 'till.jpg' and receipt['content_type'] == 'image/jpeg'

    full = await user.http_client.get(f'{receipt["url"]}&{K}')
    assert full.status_code == 200 and full.headers['content-type'] == 'image/jpeg'
    assert full.headers['x-content-type-options'] == 'nosniff'
    assert (
        full.headers['content-disposition'].startswith('inline') and 'till.jpg' in full.headers['content-disposition']
    )
    assert 'sandbox' in full.headers['content-security-policy']
    assert files.CAMERA.encode() not in full.content

    thumb = await user.http_client.get(f'{receipt["thumbnail_url"]}&{K}')
    assert (
        thumb.status_code == 200 and thumb.content[:3] == b'\xff\xd8\xff' and len(thumb.content) < len(full.content) * 4
    )

    listing = (await user.http_client.get(f'/sysapi/expenses?month=2026-01&{K}')).json()
    assert [r['id'] for r in listing['expenses'][0]['receipts']] == [receipt['id']]

    page_file = await user.http_client.get(f'/receipt-files/{receipt["id"]}')  # the session cookie alone
    assert page_file.status_code == 200 and page_file.content == full.content

    deleted = await user.http_client.post(f'/sysapi/receipt_delete?{K}', json={'id': receipt['id']})
    assert deleted.status_code == 200 and deleted.json() == {'success': True, 'id': receipt['id']}
    assert (await user.http_client.get(f'{receipt["url"]}&{K}')).status_code == 404
    assert receipt_files.stored_files() == []


async def test_a_pdf_is_served_as_an_attachment_in_a_sandbox(user: User) -> None:
    t = await logged_in_alice(user)
    receipt = (await upload(user, add(t['alice'], t).id, files.pdf(), 'bill.pdf', 'application/pdf')).json()['receipt']
    answer = await user.http_client.get(f'/sysapi/receipt?id={receipt["id"]}&{K}')
    assert answer.headers['content-type'] == 'application/pdf'
    assert answer.headers['content-disposition'].startswith('attachment')
    assert "default-src 'none'" in answer.headers['content-security-policy']


@pytest.mark.parametrize(
    ('data', 'name', 'words'),
    [
        (files.executable_named_jpeg(), 'photo.jpg', 'not a photo or a PDF'),
        (files.pdf_with_script(), 'bill.pdf', 'scripts'),
        (b'<html><script>alert(1)</script></html>', 'x.png', 'not a photo or a PDF'),
    ],
)
async def test_spoofed_and_scripted_files_are_refused_with_nothing_kept(user: User, data, name, words) -> None:
    t = await logged_in_alice(user)
    response = await upload(user, add(t['alice'], t).id, data, name=name)
    assert response.status_code == 422 and response.json()['field'] == 'file' and words in response.json()['error']
    assert Receipt.select().count() == 0 and receipt_files.stored_files() == []


async def test_a_200_mb_upload_is_refused_before_it_is_read(user: User) -> None:
    t = await logged_in_alice(user)
    expense = add(t['alice'], t)
    sent = 0

    async def body():
        nonlocal sent
        for _ in range(200):
            sent += 1
            yield b'x' * (1024 * 1024)

    response = await user.http_client.post(
        f'/sysapi/receipt_upload?{K}',
        content=body(),
        headers={'content-type': 'multipart/form-data; boundary=b', 'content-length': str(200 * 1024 * 1024)},
    )
    assert response.status_code == 413 and 'larger than' in response.json()['error']
    assert sent <= 1 and Receipt.select().count() == 0 and expense.id


async def test_a_chunked_upload_past_the_limit_is_stopped(user: User) -> None:
    t = await logged_in_alice(user)
    add(t['alice'], t)

    async def body():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
        for _ in range(30):
            yield b'\xff' * (1024 * 1024)

    response = await user.http_client.post(
        f'/sysapi/receipt_upload?{K}', content=body(), headers={'content-type': 'multipart/form-data; boundary=b'}
    )
    assert response.status_code == 413
    assert Receipt.select().count() == 0 and receipt_files.stored_files() == []


async def test_malformed_uploads_name_the_field(user: User) -> None:
    t = await logged_in_alice(user)
    expense = add(t['alice'], t)
    no_file = await user.http_client.post(f'/sysapi/receipt_upload?{K}', data={'expense_id': str(expense.id)})
    assert no_file.status_code == 422 and 'file' in no_file.text
    bad_id = await upload(user, 'abc', files.photo())
    assert bad_id.status_code == 422 and bad_id.json()['field'] == 'expense_id'
    missing = await upload(user, 2**62, files.photo())
    assert missing.status_code == 404
    for query in ('id=abc', 'id=99999999999999999999', 'id=1&thumbnail=maybe'):
        answer = await user.http_client.get(f'/sysapi/receipt?{query}&{K}')
        assert answer.status_code in (404, 422), (query, answer.status_code)


async def test_another_user_gets_404_everywhere(user: User) -> None:
    t = await logged_in_alice(user)
    expense = add(t['alice'], t)
    receipt = (await upload(user, expense.id, files.photo())).json()['receipt']
    make_user('mallory')
    await user.http_client.post('/sysapi/logout', params={'key': API_KEY})
    await api_login(user, 'mallory')
    for answer in (
        await user.http_client.get(f'/sysapi/receipt?id={receipt["id"]}&{K}'),
        await user.http_client.get(f'/sysapi/receipt?id={receipt["id"]}&thumbnail=true&{K}'),
        await user.http_client.get(f'/receipt-files/{receipt["id"]}'),
        await user.http_client.get(f'/receipt-files/{receipt["id"]}/thumbnail'),
        await user.http_client.post(f'/sysapi/receipt_delete?{K}', json={'id': receipt['id']}),
        await upload(user, expense.id, files.photo()),
    ):
        assert answer.status_code == 404, answer.text
    assert Receipt.select().count() == 1


async def test_without_a_session_the_page_route_answers_404(user: User) -> None:
    t = await logged_in_alice(user)
    receipt = (await upload(user, add(t['alice'], t).id, files.photo())).json()['receipt']
    user.http_client.cookies.clear()
    assert (await user.http_client.get(f'/receipt-files/{receipt["id"]}')).status_code == 404
    assert (await user.http_client.get(f'/sysapi/receipt?id={receipt["id"]}&{K}')).status_code == 401


async def test_the_pages_upload_route_takes_a_receipt_but_not_200_mb(user: User) -> None:
    """NiceGUI's uploads (the expense dialog) go through /_nicegui/client/...: a receipt fits, 200 MB does not."""
    from app.services import receipts
    from app.web.body_limit import limit_for

    limit = limit_for('/_nicegui/client/abc/upload/123')
    assert limit >= receipts.max_bytes()
    answer = await user.http_client.post(
        '/_nicegui/client/abc/upload/123',
        content=b'x',
        headers={'content-type': 'multipart/form-data; boundary=b', 'content-length': str(200 * 1024 * 1024)},
    )
    assert answer.status_code == 413
