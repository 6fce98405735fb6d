"""The Expenses page's XLSX export is written in the reader's language; its CSV keeps the v2.4 header."""

from __future__ import annotations

from nicegui.testing import User
from openpyxl import load_workbook

from app.models import User as Account
from tests.builders import add, basics
from tests.conftest import api_login, make_user
from tests.polling import until


async def test_a_french_reader_downloads_a_french_xlsx(user: User) -> None:
    alice = make_user('alice')
    Account.update(language='fr').where(Account.id == alice.id).execute()
    add(alice, basics(alice), description='exporté')
    await api_login(user)
    await user.open('/expenses?month=2026-01')
    files = []
    user.download.file = lambda path, filename=None, media_type='': files.append((path, filename))
    user.find(marker='export-xlsx-all').click()
    user.find(marker='export-csv').click()
    await until(lambda: len(files) == 2)
    shown = {name: path for path, name in files}
    book = load_workbook(shown['expenses-all.xlsx'])
    sheet = book.worksheets[0]
    assert sheet.title == 'Dépenses'
    assert [cell.value for cell in sheet[1]][:3] == ['Date', 'Montant', 'Catégorie']
    assert shown['expenses-2026-01.csv'].read_text().startswith('date,amount,category')  # a format, not words
