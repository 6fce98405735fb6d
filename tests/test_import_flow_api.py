"""POST /sysapi/import, GET /sysapi/imports, POST /sysapi/import_undo over HTTP against the real app."""

from __future__ import annotations

import json

from nicegui.testing import User

from app.models import Category, Expense
from tests.builders import make_user
from tests.conftest import API_KEY, api_login
from tests.page_steps import logged_in_alice

K = f'key={API_KEY}'
BANK = (
    'Date;Libellé;Montant;Catégorie\n'
    '15/01/2026;CAFE DE LA GARE;-3,50;Alimentation\n'
    '15/01/2026;CAFE DE LA GARE;-3,50;Alimentation\n'
    '16/01/2026;<img src=x onerror=alert(1)>;-12,00;Loisirs\n'
    '20/01/2026;VIREMENT SALAIRE;2 000,00;Salaire\n'
)


async def post_file(user: User, content: bytes | str, name: str = 'bank.csv', **fields) -> object:
    data = content.encode('utf-8') if isinstance(content, str) else content
    form = {key: str(value) for key, value in fields.items()}
    return await user.http_client.post(f'/sysapi/import?{K}', files={'file': (name, data, 'text/csv')}, data=form)


async def test_dry_run_then_import_then_nothing_new_then_undo(user: User) -> None:
    await logged_in_alice(user)
    dry = await post_file(user, BANK)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report['dry_run'] is True and report['import_id'] is None
    assert (report['new'], report['duplicates'], report['to_import']) == (3, 0, 3)
    assert report['total_cents'] == 1900
    assert report['file']['mapping']['date'] == 'Date'
    assert {c['name'] for c in report['new_categories']} == {'Alimentation', 'Loisirs'}
    assert Expense.select().count() == 0
    done = (await post_file(user, BANK, dry_run='false')).json()
    assert (done['imported'], done['dry_run']) == (3, False) and done['import_id']
    hostile = Expense.get(Expense.amount_cents == 1200)
    assert hostile.description == '<img src=x onerror=alert(1)>'
    again = (await post_file(user, BANK, dry_run='false')).json()
    assert (again['imported'], again['duplicates']) == (0, 3)
    history = (await user.http_client.get(f'/sysapi/imports?{K}')).json()['imports']
    assert [(h['id'], h['imported'], h['remaining']) for h in history][-1] == (done['import_id'], 3, 3)
    undone = await user.http_client.post(f'/sysapi/import_undo?{K}', json={'id': done['import_id']})
    assert undone.status_code == 200, undone.text
    assert undone.json()['undone']['expenses_deleted'] == 3
    assert Expense.select().count() == 0 and not Category.select().where(Category.name == 'Loisirs').exists()
    twice = await user.http_client.post(f'/sysapi/import_undo?{K}', json={'id': done['import_id']})
    assert twice.status_code == 409


async def test_a_mapping_and_a_type_column(user: User) -> None:
    t = await logged_in_alice(user)
    content = (
        'Quand,Combien,Quoi,Sous,Mode,Note,Income/Expense\n'
        '2026-02-01,10.00,Food,Groceries,Card,bread,Expense\n'
        '2026-02-02,900.00,Job,,Card,pay,Income\n'
        '2026-02-03,5.00,Food,,Cash,,Transfer\n'
    )
    mapping = {
        'date': 'Quand',
        'amount': 'Combien',
        'category': 'Quoi',
        'subcategory': 'Sous',
        'payment_method': 'Mode',
        'description': 'Note',
        'type': 'Income/Expense',
    }
    response = await post_file(user, content, mapping=json.dumps(mapping), negatives='refunds', dry_run='false')
    assert response.status_code == 200, response.text
    report = response.json()
    assert report['imported'] == 1 and report['skipped'] == {'income': 1, 'transfer': 1}
    kept = (
        await post_file(user, content, mapping=json.dumps(mapping), negatives='refunds', skip_types='income')
    ).json()
    assert (kept['new'], kept['duplicates'], kept['skipped']) == (1, 1, {'income': 1})  # the transfer is read
    bad = await post_file(user, content, skip_types='salary')
    assert (bad.status_code, bad.json()['field']) == (422, 'skip_types')
    expense = Expense.get()
    assert (expense.category_id, expense.subcategory_id, expense.payment_method_id) == (
        t['food'].id,
        t['groceries'].id,
        t['card'].id,
    )


async def test_malformed_requests_are_422_naming_the_field(user: User) -> None:
    await logged_in_alice(user)
    http = user.http_client
    not_multipart = await http.post(f'/sysapi/import?{K}', json={'file': 'x'})
    assert (not_multipart.status_code, not_multipart.json()['field']) == (422, 'file')
    no_file = await http.post(f'/sysapi/import?{K}', files={'other': ('a.csv', b'x', 'text/csv')})
    assert (no_file.status_code, no_file.json()['field']) == (422, 'file')
    for fields, field in (
        ({'mapping': '{not json'}, 'mapping'),
        ({'mapping': '{"colour": "Date"}'}, 'mapping'),
        ({'mapping': '{"date": "Nope", "amount": "Montant"}'}, 'mapping'),
        ({'dry_run': 'perhaps'}, 'dry_run'),
        ({'preset': 'nope'}, 'preset'),
        ({'keep_possible': 'some'}, 'keep_possible'),
        ({'negatives': 'sideways'}, 'negatives'),
        ({'default_category': '99999'}, 'default_category'),
    ):
        response = await post_file(user, BANK, **fields)
        assert response.status_code in (404, 422), (fields, response.text)
        assert response.json()['field'] == field, (fields, response.text)
    binary = await post_file(user, bytes(range(256)) * 10, name='x.csv')
    assert binary.status_code == 422 and binary.json()['error']
    empty = await post_file(user, b'', name='x.csv')
    assert empty.status_code == 422


async def test_invalid_rows_stop_the_import_unless_skipped(user: User) -> None:
    await logged_in_alice(user)
    content = 'Date;Libellé;Montant\n15/01/2026;ok;-3,50\n16/01/2026;bad;abc\n'
    report = (await post_file(user, content)).json()
    assert report['invalid'] == 1 and report['invalid_rows'][0]['row'] == 3
    refused = await post_file(user, content, dry_run='false')
    assert refused.status_code == 422 and Expense.select().count() == 0
    done = (await post_file(user, content, dry_run='false', skip_invalid='true')).json()
    assert done['imported'] == 1


async def test_another_users_import_is_404(user: User) -> None:
    await logged_in_alice(user)
    done = (await post_file(user, BANK, dry_run='false')).json()
    make_user('bob')
    await api_login(user, 'bob')
    response = await user.http_client.post(f'/sysapi/import_undo?{K}', json={'id': done['import_id']})
    assert response.status_code == 404
    assert (await user.http_client.get(f'/sysapi/imports?{K}')).json() == {'imports': []}
    assert Expense.select().count() == 3


async def test_a_file_over_the_limit_is_refused_early(user: User, monkeypatch) -> None:
    await logged_in_alice(user)
    from app.services import import_file

    monkeypatch.setattr(import_file, 'max_bytes', lambda: 1000)
    response = await post_file(user, BANK + 'x' * 2000)
    assert response.status_code == 413 and 'IMPORT_MAX_MB' in response.json()['error']
    big = await user.http_client.post(
        f'/sysapi/import?{K}',
        content=b'x' * 10,
        headers={'content-type': 'multipart/form-data; boundary=x', 'content-length': str(60 * 1024 * 1024 + 1)},
    )
    assert big.status_code == 413
    assert Expense.select().count() == 0


async def test_without_a_key_it_is_401(user: User) -> None:
    response = await user.http_client.post('/sysapi/import', files={'file': ('a.csv', b'x', 'text/csv')})
    assert response.status_code == 401
