"""The share target: a photo or a PDF shared from the phone with the installed app opens the add form with the
file, and the saved expense keeps it as a receipt; another site cannot post a file, a file that is not a
receipt is refused at once, a logged-out browser goes to the login page, and a token is its user's alone."""

from __future__ import annotations

import io
import os
from urllib.parse import parse_qs, urlsplit

from nicegui.testing import User
from PIL import Image

from app.models import Expense
from app.services import receipts, shared_files
from tests.conftest import make_user
from tests.page_steps import logged_in_alice, one

BROWSER = {'Sec-Fetch-Site': 'none'}  # the share sheet: a navigation the browser starts itself


def _photo(size: int = 400) -> bytes:
    """A PNG of noise, a few hundred KB: larger than the default body limit of 128 KiB."""
    image = Image.frombytes('RGB', (size, size), os.urandom(size * size * 3))
    out = io.BytesIO()
    image.save(out, format='PNG')
    return out.getvalue()


async def _share(user: User, data: bytes, name: str = 'till.png', headers: dict | None = None):
    return await user.http_client.post(
        '/share',
        files={'receipt': (name, data, 'image/png')},
        data={'title': 'Receipt', 'text': ''},
        headers=headers or BROWSER,
    )


async def test_the_manifest_declares_the_share_target(user: User) -> None:
    manifest = (await user.http_client.get('/manifest.webmanifest')).json()
    target = manifest['share_target']
    assert target['action'] == '/share' and target['method'] == 'POST'
    assert target['enctype'] == 'multipart/form-data'
    (files,) = target['params']['files']
    assert files['name'] == 'receipt'
    assert {'image/jpeg', 'image/png', 'application/pdf'} <= set(files['accept'])


async def test_a_shared_photo_opens_the_form_and_the_expense_keeps_it(user: User) -> None:
    world = await logged_in_alice(user)
    photo = _photo()
    assert len(photo) > 128 * 1024
    response = await _share(user, photo, name='till <b>.png')
    assert response.status_code == 303
    target = urlsplit(response.headers['location'])
    assert target.path == '/' and parse_qs(target.query)['add'] == ['1']
    await user.open(response.headers['location'])
    await user.should_see(marker='shared-file')
    await user.should_see('Receipt to attach: till <b>.png')
    user.find(marker='expense-amount').type('8,40')
    one(user, 'expense-category').value = world['food'].id
    one(user, 'expense-payment-method').value = world['card'].id
    user.find(marker='save-expense').click()
    await user.should_see('Receipt attached.')
    expense = Expense.get()
    (kept,) = receipts.receipts_of(world['alice'], expense.id)
    assert kept.content_type == 'image/png' and kept.filename.endswith('.png')
    token = parse_qs(target.query)['share'][0]
    assert shared_files.waiting(world['alice'], token) is None  # attached once, then forgotten


async def test_another_site_cannot_post_a_file(user: User) -> None:
    world = await logged_in_alice(user)
    before = len(shared_files._WAITING)
    response = await _share(user, _photo(50), headers={'Sec-Fetch-Site': 'cross-site'})
    assert response.status_code == 303 and response.headers['location'] == '/'
    assert len(shared_files._WAITING) == before
    assert world


async def test_a_file_that_is_not_a_receipt_is_refused_at_once(user: User) -> None:
    await logged_in_alice(user)
    response = await _share(user, b'<script>alert(1)</script>', name='evil.html')
    assert response.status_code == 303
    assert 'share_error=1' in response.headers['location'] and 'share=' not in response.headers['location']
    await user.open(response.headers['location'])
    await user.should_see('The shared file is not a photo or a PDF, or it is too large: nothing was kept.')
    await user.should_see(marker='expense-dialog')


async def test_without_a_session_the_login_page(user: User) -> None:
    response = await _share(user, _photo(50))
    assert response.status_code == 303 and response.headers['location'].startswith('/login?next=')


async def test_a_token_is_its_users_alone(user: User) -> None:
    world = await logged_in_alice(user)
    bob = make_user('bob')
    token = shared_files.keep(world['alice'], 'a.png', _photo(20))
    assert shared_files.waiting(bob, token) is None
    assert shared_files.attach_to(bob, token, 1) is None
    assert shared_files.waiting(world['alice'], token) is not None
    assert shared_files.waiting(world['alice'], 'made-up') is None
