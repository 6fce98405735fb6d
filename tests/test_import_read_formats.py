"""One sample file per preset and per format (issue 16, items 1, 3 and 10): what each reads to, our own XLSX
export read back in English and French, and the structured formats' bad files as clear errors."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import pytest

from app.services import exports, imports
from app.services.imports import ImportFileError, ParsedRow, ReadOptions, RowProblem, SkippedRow
from tests.builders import add

DATA = Path(__file__).parent / 'data' / 'imports'


def read_all(path: Path, name: str | None = None):
    table = imports.open_table(path, name or path.name)
    mapping = imports.preset_mapping(table)
    negatives = imports.PRESETS[table.preset].negatives if table.preset else 'expenses'
    analysed = imports.analyse(table, path, mapping, ReadOptions(negatives=negatives))
    assert isinstance(analysed, ReadOptions), analysed
    return table, list(imports.read_rows(table, path, mapping, analysed))


def summary(rows) -> list:
    """Each row as (date, cents, description) or the skip's reason."""
    return [
        (row.date.isoformat(), row.amount_cents, row.description) if isinstance(row, ParsedRow) else row.reason
        for row in rows
    ]


@pytest.mark.parametrize(
    ('name', 'file_format', 'preset'),
    [
        ('wis-export.csv', 'csv', 'wis-csv'),
        ('expenseowl.csv', 'csv', 'expenseowl'),
        ('expenseowl-old.csv', 'csv', 'expenseowl-old'),
        ('firefly.csv', 'csv', 'firefly'),
        ('ihatemoney.csv', 'csv', 'ihatemoney'),
        ('ihatemoney.json', 'json', 'ihatemoney'),
        ('spliit.csv', 'csv', 'spliit'),
        ('mint.csv', 'csv', 'mint'),
        ('bank-fr-utf8.csv', 'csv', 'bank'),
        ('budget-fr.xlsx', 'xlsx', 'bank'),
        ('statement.ofx', 'ofx', 'ofx'),
        ('statement.qfx', 'qfx', 'qfx'),
        ('checking.qif', 'qif', 'qif'),
        ('statement.camt053.xml', 'camt053', 'camt053'),
        ('statement.mt940', 'mt940', 'mt940'),
        ('us-bank.csv', 'csv', None),
    ],
)
def test_each_sample_is_recognised_and_named(name, file_format, preset):
    table = imports.open_table(DATA / name, name)
    assert (table.file_format, table.preset) == (file_format, preset)
    if preset is not None:
        assert imports.PRESETS[preset].label.render('en')
        assert imports.PRESETS[preset].label.render('fr') != imports.PRESETS[preset].label.render('en')
    rows = read_all(DATA / name)[1]
    assert rows and not [row for row in rows if isinstance(row, RowProblem)]


def test_expenseowl_negative_spending_tags_and_ids():
    _, rows = read_all(DATA / 'expenseowl.csv')
    assert summary(rows) == [
        ('2024-06-01', 4520, 'Groceries run'),
        ('2024-06-01', -300000, 'Salary'),
        ('2024-06-03', 1599, 'Netflix'),
    ]
    assert rows[0].tags == ('weekly', 'food') and rows[0].time == datetime.time(10, 15)
    assert rows[0].external_id == '0b6c1f0e-4a39-4c1e-9f0e-3c2a1d5e7b01' and rows[1].time is None
    _, old = read_all(DATA / 'expenseowl-old.csv')
    assert summary(old) == [('2024-02-01', 1250, 'Lunch'), ('2024-02-02', 7500, 'Bus pass')]


def test_firefly_skips_deposits_and_transfers_and_keeps_currency_account_tags():
    _, rows = read_all(DATA / 'firefly.csv')
    assert summary(rows) == [
        ('2024-07-01', 3840, 'Supermarché Casino'),
        'income',
        'transfer',
        ('2024-07-04', 1200, 'Coffee in NYC'),
    ]
    assert (rows[0].payment_method, rows[0].category, rows[0].tags) == (
        'Compte courant',
        'Courses',
        ('alimentation', 'hebdo'),
    )
    assert (rows[3].currency, rows[3].external_id, rows[3].time) == ('USD', '204', datetime.time(18, 30))


def test_spliit_reimbursements_are_transfers_and_mint_credits_income():
    _, rows = read_all(DATA / 'spliit.csv')
    assert summary(rows) == [
        ('2024-08-01', 5000, 'Dinner with team'),
        'transfer',
        ('2024-08-03', 12040, 'Train tickets'),
    ]
    _, rows = read_all(DATA / 'mint.csv')
    assert summary(rows) == [('2024-01-05', 8723, 'Whole Foods'), 'income', ('2024-01-13', 4150, 'Shell'), 'income']
    assert rows[0].payment_method == 'Chase Sapphire' and rows[2].tags == ('car',)


def test_ihatemoney_json_and_csv():
    _, rows = read_all(DATA / 'ihatemoney.json')
    assert summary(rows) == [
        ('2024-05-02', 5430, 'Courses Biocoop'),
        ('2024-05-03', 10, 'Cinéma <3'),
        'transfer',
        ('2024-05-05', 30, 'Pizza'),  # 0.30000000000000004 as JSON wrote the float
    ]
    _, rows = read_all(DATA / 'ihatemoney.csv')
    assert summary(rows) == [('2024-05-02', 5430, 'Courses Biocoop'), ('2024-05-03', 1200, 'Cinéma')]


def test_a_spreadsheet_with_a_title_real_dates_and_a_totals_row():
    table, rows = read_all(DATA / 'budget-fr.xlsx')
    assert (table.header_line, table.headers) == (3, ('Date', 'Libellé', 'Catégorie', 'Montant', 'Paiement'))
    assert summary(rows) == [
        ('2024-09-02', 1890, 'Pharmacie'),
        ('2024-09-03', 6450, 'Restaurant « Chez Léon »'),
        ('2024-09-14', 30, 'Cinéma'),
    ]
    assert rows[1].time == datetime.time(19, 45) and rows[0].payment_method == 'Carte'
    assert [number for number, _ in imports.preview(table, DATA / 'budget-fr.xlsx')] == [4, 5, 6]


def test_ofx_sgml_with_fitids_entities_and_kinds():
    table, rows = read_all(DATA / 'statement.ofx')
    assert table.headers == ('date', 'amount', 'description', 'type', 'currency', 'external_id')
    assert summary(rows) == [
        ('2024-01-05', 4210, 'CARREFOUR MARKET – CB 04/01 Lyon'),
        'income',
        'transfer',
        ('2024-01-15', 999, 'Café & Crêpes'),
        ('2024-01-20', -1500, 'REMBOURSEMENT CARREFOUR'),
    ]
    assert [row.external_id for row in rows if isinstance(row, ParsedRow)] == [
        '2024010500001',
        '2024011500004',
        '2024012000005',
    ]
    assert rows[0].currency == 'EUR'


def test_qfx_xml_on_one_line_with_two_identical_coffees():
    _, rows = read_all(DATA / 'statement.qfx')
    assert summary(rows) == [
        ('2024-02-03', 2345, 'BLUE BOTTLE COFFEE – Oakland CA'),
        ('2024-02-03', 2345, 'BLUE BOTTLE COFFEE – Oakland CA'),
        'transfer',  # paying the card off
        ('2024-02-28', 120400, 'DELTA AIR <LINES>'),
    ]
    assert (rows[0].external_id, rows[1].external_id, rows[0].currency) == ('FT24034A', 'FT24034B', 'USD')


def test_qif_categories_transfers_income_and_splits():
    _, rows = read_all(DATA / 'checking.qif')
    assert summary(rows) == [
        ('2024-04-03', 123456, 'Garage Dupont – Révision annuelle'),
        ('2024-04-13', 4510, 'Marché'),
        'income',
        'transfer',
        ('2024-04-21', 6000, 'Supermarket'),
    ]
    assert (rows[0].category, rows[0].subcategory, rows[0].row_number) == ('Transport', 'Car', 10)


def test_camt053_entries_with_references_and_parties():
    _, rows = read_all(DATA / 'statement.camt053.xml')
    assert summary(rows) == [
        ('2024-03-04', 6420, 'Épicerie Martin & Fils – Courses semaine 10'),
        ('2024-03-15', -185000, 'ACME SAS – Salaire mars'),
        ('2024-03-20', 1200, 'Frais de tenue de compte'),
        'zero',
    ]
    assert [row.external_id for row in rows[:3]] == ['BANKREF-0001', 'BANKREF-0002', 'BANKREF-0003']


def test_mt940_lines_information_and_reversals():
    table, rows = read_all(DATA / 'statement.mt940')
    assert summary(rows) == [
        ('2024-03-01', 4250, 'CARTE 29/02 BOULANGERIE DU COIN'),
        ('2024-03-05', -185000, 'VIR SEPA RECU /DE ACME SAS /MOTIF SALAIRE FEVRIER 2024'),
        ('2024-03-08', 123456, 'EDF SA – EDF FACTURE ELECTRICITE MARS'),
        ('2024-03-12', -4250, 'ANNULATION CARTE BOULANGERIE'),
    ]
    assert [row.row_number for row in rows] == [6, 8, 11, 13]
    assert rows[0].currency == 'EUR' and rows[0].external_id == 'BQ-240301-01'


@pytest.mark.usefixtures('database')
@pytest.mark.parametrize('language', ['en', 'fr'])
def test_our_xlsx_export_reads_back_in_both_languages(alice, things, tmp_path, language):
    add(alice, things, '12.50', '2026-01-15', description='Marché', category_id=things['groceries'].id)
    add(alice, things, '1234.56', '2026-01-16', description='=1+1', payment_method_id=things['cash'].id)
    add(alice, things, '0.99', '2026-01-17', description='', latitude=48.8566, longitude=2.3522)
    path = tmp_path / 'expenses.xlsx'
    exports.write_xlsx(alice, None, path, language=language)
    table, rows = read_all(path)
    assert table.preset == 'wis-xlsx'
    mapping = imports.preset_mapping(table)
    assert set(mapping.as_dict()) == {
        'date',
        'amount',
        'category',
        'subcategory',
        'payment_method',
        'description',
        'latitude',
        'longitude',
    }
    got = sorted(
        (r.date.isoformat(), r.amount_cents, r.category, r.subcategory, r.payment_method, r.description) for r in rows
    )
    assert got == [
        ('2026-01-15', 1250, 'Food', 'Groceries', 'Card', 'Marché'),
        ('2026-01-16', 123456, 'Food', None, 'Cash', '=1+1'),
        ('2026-01-17', 99, 'Food', None, 'Card', ''),
    ]
    placed = next(r for r in rows if r.amount_cents == 99)
    assert (placed.latitude, placed.longitude) == (48.8566, 2.3522)


@pytest.mark.usefixtures('database')
def test_our_csv_export_reads_back(alice, things, tmp_path):
    add(alice, things, '7.10', '2026-02-01', description='Pain, "complet"', category_id=things['restaurants'].id)
    add(alice, things, '7.10', '2026-02-01', description='Pain, "complet"', category_id=things['restaurants'].id)
    path = tmp_path / 'expenses.csv'
    with path.open('wb') as target:
        exports.write_csv(alice, None, target)
    table, rows = read_all(path)
    assert table.preset == 'wis-csv'
    assert [(r.amount_cents, r.category, r.subcategory, r.description) for r in rows] == [
        (710, 'Food', 'Restaurants', 'Pain, "complet"')
    ] * 2


@pytest.mark.parametrize(
    ('name', 'content', 'message'),
    [
        (
            'bomb.xml',
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            b'<Document><BkToCstmrStmt>&lol2;</BkToCstmrStmt></Document>',
            'This XML file declares entities',
        ),
        ('cut.xml', b'<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt><Ntry><Amt>1', 'This XML file is malformed'),
        ('other.xml', b'<?xml version="1.0"?><rss><channel/></rss>', 'This XML file is not a CAMT.053'),
        (
            'empty.xml',
            b'<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt/></BkToCstmrStmt></Document>',
            'The statement has no transactions',
        ),
        ('none.ofx', b'OFXHEADER:100\n<OFX><BANKMSGSRSV1></BANKMSGSRSV1></OFX>', 'The statement has no transactions'),
        ('fake.xlsx', b'PK\x03\x04' + b'\x00' * 200, 'This XLSX file cannot be read'),
        ('bad.json', b'[{"date": "2024-01-01", ', 'This JSON file is malformed'),
        ('object.json', b'{"name": "not bills"}', 'This JSON file holds no list of bills'),
        ('cats.qif', b'!Type:Cat\nNFood\n^\n', 'The QIF file has no bank, cash or card transactions'),
        ('bad.mt940', b':20:X\n:60F:C240101EUR1,00\n:61:garbage\n', 'Line 3 of this MT940 file'),
    ],
)
def test_bad_structured_files_are_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        imports.open_table(path, name)
    assert caught.value.message.startswith(message), caught.value.message
    assert caught.value.render('fr') != caught.value.message


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / 'photos.xlsx'
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('photo.txt', 'not a sheet')
    with pytest.raises(ImportFileError) as caught:
        imports.open_table(path, 'photos.xlsx')
    assert 'XLSX' in caught.value.message


def test_a_json_bill_that_is_not_an_object_is_an_empty_row(tmp_path):
    path = tmp_path / 'bills.json'
    path.write_text('[{"date": "2024-01-01", "what": "x", "amount": 2}, 7, null]')
    _, rows = read_all(path)
    assert summary(rows) == [('2024-01-01', 200, 'x'), 'empty', 'empty']
    assert isinstance(rows[1], SkippedRow)
