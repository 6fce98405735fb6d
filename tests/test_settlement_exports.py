"""Issue 20, item 2: settlements are exported apart. The exports of spending (CSV, XLSX, over HTTP and from
the service, a month or everything) never contain a settlement; the settlements have their own CSV, from the
Household page and `GET /sysapi/export_settlements_csv`, holding what the caller sees and nothing else."""

from __future__ import annotations

import io

import pytest
import time_machine
from nicegui.testing import User
from openpyxl import load_workbook

from app.services import balances, exports, links, settlement_exports
from app.services.months import Month
from tests.builders import add, basics, link, make_user
from tests.conftest import API_KEY, api_login
from tests.polling import until

JAN, FEB = Month(2026, 1), Month(2026, 2)


def household():
    """alice and bob linked, carol linked to bob only (a chain), dave alone. alice's 40.00 split equally with
    bob; settlements: bob -> alice 15 (Jan), bob -> alice 5 (Feb), bob -> carol 3 (Jan), dave nothing."""
    alice, bob, carol, dave = (make_user(name) for name in ('alice', 'bob', 'carol', 'dave'))
    link(alice, bob)
    link(bob, carol)
    things = basics(alice)
    add(alice, things, '40.00', date='2026-01-10', split={'mode': 'equal', 'members': [alice.id, bob.id]})
    add(bob, basics(bob), '9.00', date='2026-01-11', split={'mode': 'equal', 'members': [bob.id, carol.id]})
    balances.create_settlement(bob, bob.id, alice.id, '15', '2026-01-12')
    balances.create_settlement(bob, bob.id, alice.id, '5.00', '2026-02-01')
    balances.create_settlement(bob, bob.id, carol.id, '3', '2026-01-13')
    return alice, bob, carol, dave


@pytest.mark.usefixtures('database')
def test_the_settlements_csv_holds_what_the_caller_sees() -> None:
    alice, bob, carol, dave = household()
    assert settlement_exports.settlements_csv(alice).splitlines() == [
        'date,from,to,amount,currency,original amount',
        '2026-01-12,bob,alice,15.00,EUR,15.00',
        '2026-02-01,bob,alice,5.00,EUR,5.00',
    ]
    assert settlement_exports.settlements_csv(alice, JAN).splitlines()[1:] == ['2026-01-12,bob,alice,15.00,EUR,15.00']
    assert len(settlement_exports.settlements_csv(bob).splitlines()) == 4  # bob is in all three
    assert settlement_exports.settlements_csv(carol).splitlines()[1:] == ['2026-01-13,bob,carol,3.00,EUR,3.00']
    assert settlement_exports.settlements_csv(dave).splitlines() == ['date,from,to,amount,currency,original amount']
    links.unlink(alice, 'bob')  # a former link's settlements stay in both exports
    assert len(settlement_exports.settlements_csv(alice).splitlines()) == 3
    path, name = settlement_exports.settlements_to_file(alice, FEB)
    assert name == 'settlements-2026-02.csv' and path.read_text().splitlines()[1:] == [
        '2026-02-01,bob,alice,5.00,EUR,5.00'
    ]


@pytest.mark.usefixtures('database')
def test_the_exports_of_spending_never_contain_a_settlement() -> None:
    alice, bob, _, _ = household()
    for user in (alice, bob):
        for month in (JAN, FEB, None):
            csv = ''.join(exports.csv_chunks(user, month)).splitlines()
            assert not any(',15.00,' in line or ',5.00,' in line or ',3.00,' in line for line in csv)
            target = io.BytesIO()
            exports.write_xlsx(user, month, target)
            sheet = load_workbook(io.BytesIO(target.getvalue()), read_only=True).worksheets[0]
            amounts = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] is not None]
            assert not {15, 5, 3} & set(amounts), (user.username, month, amounts)
    whole = ''.join(exports.csv_chunks(bob, None)).splitlines()
    assert [line.split(',')[1] for line in whole[1:]] == ['40.00', '9.00']


async def test_the_settlements_csv_over_http(user: User) -> None:
    household()
    await api_login(user, 'alice')
    response = await user.http_client.get(f'/sysapi/export_settlements_csv?key={API_KEY}')
    assert response.status_code == 200, response.text
    assert response.headers['content-type'].startswith('text/csv')
    assert 'settlements-all.csv' in response.headers['content-disposition']
    assert response.text.splitlines()[1:] == [
        '2026-01-12,bob,alice,15.00,EUR,15.00',
        '2026-02-01,bob,alice,5.00,EUR,5.00',
    ]
    month = await user.http_client.get(f'/sysapi/export_settlements_csv?key={API_KEY}&month=2026-02')
    assert month.text.splitlines()[1:] == ['2026-02-01,bob,alice,5.00,EUR,5.00']
    spending = await user.http_client.get(f'/sysapi/export_csv?key={API_KEY}&month=all')
    assert spending.status_code == 200
    assert [line.split(',')[1] for line in spending.text.splitlines()[1:]] == ['40.00', '9.00']  # no settlement
    for bad in ('2026-13', 'soon', '2026-1'):
        refused = await user.http_client.get(f'/sysapi/export_settlements_csv?key={API_KEY}&month={bad}')
        assert refused.status_code == 422 and refused.json()['field'] == 'month', bad
    await api_login(user, 'dave')
    alone = await user.http_client.get(f'/sysapi/export_settlements_csv?key={API_KEY}')
    assert alone.text.splitlines() == ['date,from,to,amount,currency,original amount']


async def test_the_settlements_csv_needs_a_key_and_a_session(user: User) -> None:
    household()
    assert (await user.http_client.get('/sysapi/export_settlements_csv')).status_code == 401
    assert (await user.http_client.get(f'/sysapi/export_settlements_csv?key={API_KEY}')).status_code == 401


async def test_the_household_page_downloads_the_settlements_of_its_period(user: User) -> None:
    household()
    await api_login(user, 'alice')
    with time_machine.travel('2026-02-10 09:00:00', tick=False):
        await user.open('/household?month=2026-01')
        files = []
        # NiceGUI's simulated download fetches a local path as a URL; record the file the page offers instead
        user.download.file = lambda path, filename=None, media_type='': files.append((path, filename))
        user.find(marker='export-settlements').click()
        await until(lambda: len(files) == 1)
    path, name = files[0]
    assert name == 'settlements-2026-01.csv'
    assert path.read_text().splitlines() == [
        'date,from,to,amount,currency,original amount',
        '2026-01-12,bob,alice,15.00,EUR,15.00',
    ]
