"""Reading CSV and TSV files to import (issue 16, items 1, 2 and 10): encodings, delimiters, the header under a
bank's preamble, the guess of the mapping in English and French, and every bad file as a clear message."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

import pytest

from app.services import imports
from app.services.errors import Invalid
from app.services.imports import ImportFileError, ParsedRow, ReadOptions, RowProblem, SkippedRow

DATA = Path(__file__).parent / 'data' / 'imports'
ENCODED = {
    'bank-fr-utf8.csv': 'utf-8',
    'bank-fr-utf8bom.csv': 'utf-8-sig',
    'bank-fr-utf16.csv': 'utf-16',
    'bank-fr-cp1252.csv': 'cp1252',
}


def read_all(path: Path, name: str | None = None, **options):
    table = imports.open_table(path, name or path.name)
    mapping = imports.preset_mapping(table)
    negatives = imports.PRESETS[table.preset].negatives if table.preset else 'expenses'
    analysed = imports.analyse(table, path, mapping, ReadOptions(negatives=negatives, **options))
    assert isinstance(analysed, ReadOptions), analysed
    return table, list(imports.read_rows(table, path, mapping, analysed))


def write(tmp_path: Path, content: str | bytes, name: str = 'file.csv') -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode('utf-8') if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize('name', ENCODED)
def test_the_same_statement_in_four_encodings_reads_to_identical_expenses(name):
    table, rows = read_all(DATA / name)
    assert table.encoding == ENCODED[name]
    assert (table.delimiter, table.header_line, table.preset) == (';', 4, 'bank')
    assert table.headers == ('Date', 'Libellé', 'Débit', 'Crédit', 'Solde')
    _, reference = read_all(DATA / 'bank-fr-utf8.csv')
    assert rows == reference
    assert [(r.date, r.amount_cents, r.description) for r in rows] == [
        (datetime.date(2024, 4, 3), 350, 'Café « Le Zèbre »'),
        (datetime.date(2024, 4, 13), 1230, 'Boulangerie Pâtisserie'),
        (datetime.date(2024, 4, 14), -150000, 'Salaire avril'),
        (datetime.date(2024, 4, 15), -2300, 'Remboursement Sécu'),
        (datetime.date(2024, 4, 20), 123456, 'Carte 19/04 Crêperie Noël'),
    ]
    assert [r.row_number for r in rows] == [5, 6, 7, 8, 9]  # lines of the file, under the preamble


def test_our_own_csv_export_reads_back_exactly(tmp_path):
    table, rows = read_all(DATA / 'wis-export.csv')
    assert table.preset == 'wis-csv'
    assert all(isinstance(row, ParsedRow) for row in rows)
    first, second, train, formula = rows
    assert replace(first, row_number=3) == second  # two identical shops on one day are two rows
    assert (first.amount_cents, first.category, first.subcategory, first.payment_method) == (
        1250,
        'Food',
        'Groceries',
        'Card',
    )
    assert (first.latitude, first.longitude, first.description) == (48.8566, 2.3522, 'Weekly shop at Marché')
    assert (train.amount_cents, train.description, train.subcategory) == (123456, 'Train, return "Paris-Lyon"', None)
    assert formula.description == '=SUM(A1:A2)'  # the export's guard against formulas is undone


def test_a_us_bank_with_currency_signs_types_and_month_first_dates():
    table, rows = read_all(DATA / 'us-bank.csv')
    mapping = imports.guess_mapping(table.headers)
    assert mapping.columns == (
        ('date', 'Posted Date'),
        ('amount', 'Amount'),
        ('description', 'Payee'),
        ('type', 'Transaction Type'),
    )
    assert rows[0] == ParsedRow(
        2, datetime.date(2024, 1, 2), None, 425, None, None, None, 'COFFEE SHOP', None, None, None, (), None, None
    )
    assert rows[1].amount_cents == 123450 and rows[1].date == datetime.date(2024, 1, 13)
    assert rows[2] == SkippedRow(4, 'income') and rows[3] == SkippedRow(5, 'transfer')
    assert rows[4].amount_cents == -500  # money back from a shop: a refund


def test_a_tsv_with_tabs_and_dot_thousands(tmp_path):
    path = write(tmp_path, 'Datum\tOmschrijving\tBedrag\n01.02.2024\tBakker\t-1.234,50\n', 'export.tsv')
    table = imports.open_table(path, 'export.tsv')
    assert (table.file_format, table.delimiter) == ('tsv', '\t')
    mapping = imports.Mapping.of(
        {'date': 'Datum', 'amount': 'Bedrag', 'description': 'Omschrijving'}, headers=table.headers
    )
    options = imports.analyse(table, path, mapping, ReadOptions())
    assert options == ReadOptions(date_format='%d.%m.%Y', decimal=',')
    [row] = imports.read_rows(table, path, mapping, options)
    assert (row.date, row.amount_cents) == (datetime.date(2024, 2, 1), 123450)


def test_delimiter_and_encoding_can_be_forced(tmp_path):
    path = write(tmp_path, 'date|amount\n2024-01-01|3\n'.encode('cp1252'))
    assert imports.open_table(path, 'x.csv').delimiter == '|'
    forced = imports.open_table(path, 'x.csv', encoding='latin-1', delimiter=',')
    assert (forced.encoding, forced.delimiter, forced.headers) == ('latin-1', ',', ('date|amount',))
    with pytest.raises(ImportFileError) as caught:
        imports.open_table(path, 'x.csv', encoding='klingon')
    assert caught.value.field == 'encoding'
    with pytest.raises(ImportFileError):
        imports.open_table(path, 'x.csv', delimiter=';;')


def test_french_headers_are_guessed():
    mapping = imports.guess_mapping(
        [
            'Date d’opération',
            'Libellé',
            'Montant (EUR)',
            'Catégorie',
            'Sous-catégorie',
            'Moyen de paiement',
            'Lieu',
            'Étiquettes',
            'Devise',
        ]
    )
    assert mapping.as_dict() == {
        'date': 'Date d’opération',
        'amount': 'Montant (EUR)',
        'category': 'Catégorie',
        'subcategory': 'Sous-catégorie',
        'payment_method': 'Moyen de paiement',
        'description': 'Libellé',
        'place': 'Lieu',
        'tags': 'Étiquettes',
        'currency': 'Devise',
    }


def test_english_headers_are_guessed_each_column_once():
    mapping = imports.guess_mapping(
        ['Transaction Date', 'Value Date', 'Description', 'Debit', 'Credit', 'Balance', 'Notes']
    )
    assert mapping.as_dict() == {
        'date': 'Transaction Date',
        'debit': 'Debit',
        'credit': 'Credit',
        'description': 'Description',
    }


def test_mapping_refuses_unknown_fields_and_headers():
    with pytest.raises(Invalid) as caught:
        imports.Mapping.of({'colour': 'Date'})
    assert 'colour' in str(caught.value)
    with pytest.raises(Invalid) as caught:
        imports.Mapping.of({'date': 'When'}, headers=('Date',))
    assert 'When' in str(caught.value)
    assert imports.Mapping.of({'amount': 'A', 'date': 'D'}).columns == (('date', 'D'), ('amount', 'A'))


def test_ambiguous_dates_ask_and_a_day_over_twelve_decides(tmp_path):
    table = imports.open_table(DATA / 'ambiguous.csv', 'ambiguous.csv')
    mapping = imports.guess_mapping(table.headers)
    question = imports.analyse(table, DATA / 'ambiguous.csv', mapping, ReadOptions())
    assert question == imports.DateQuestion(
        'date', ('%d/%m/%Y', '%m/%d/%Y'), ('03/04/2024', '05/06/2024', '07/08/2024')
    )
    answered = imports.analyse(table, DATA / 'ambiguous.csv', mapping, ReadOptions(date_format='%m/%d/%Y'))
    assert isinstance(answered, ReadOptions) and answered.date_format == '%m/%d/%Y'
    rows = list(imports.read_rows(table, DATA / 'ambiguous.csv', mapping, answered))
    assert rows[0].date == datetime.date(2024, 3, 4)

    path = write(tmp_path, 'date,amount\n03/04/2024,1\n' * 50 + '13/04/2024,2\n')
    table = imports.open_table(path, 'x.csv')
    decided = imports.analyse(table, path, imports.guess_mapping(table.headers), ReadOptions())
    assert isinstance(decided, ReadOptions) and decided.date_format == '%d/%m/%Y'


def test_dates_with_and_without_times_and_two_digit_years(tmp_path):
    path = write(
        tmp_path,
        'when,amount\n2024-03-01 12:30,1\n2024-03-02T08:05:09+01:00,2\n2024-03-03,3\n2024-03-04 9:05 PM,4\n',
    )
    table, rows = read_all(path)
    assert [(r.date.day, r.time) for r in rows] == [
        (1, datetime.time(12, 30)),
        (2, datetime.time(8, 5, 9)),
        (3, None),
        (4, datetime.time(21, 5)),
    ]
    path = write(tmp_path, 'date,amount\n31/12/99,1\n01/01/24,2\n')
    _, rows = read_all(path)
    assert [r.date for r in rows] == [datetime.date(1999, 12, 31), datetime.date(2024, 1, 1)]


@pytest.mark.parametrize(
    ('text', 'cents'),
    [
        ('12.50', 1250),
        ('-12.5', -1250),
        ('(12.50)', -1250),
        ('12.50-', -1250),
        ('€ 1,234.56', 123456),
        ('$-4.25', -425),
        ('-$4.25', -425),
        ('1 234.00 USD', 123400),
        ('+7', 700),
        ('EUR 0.99', 99),
    ],
)
def test_amounts_with_a_dot_decimal(text, cents):
    assert imports.amounts.parse_signed(text, '.') == cents


@pytest.mark.parametrize(
    ('text', 'cents'),
    [('12,50', 1250), ('1.234,56 €', 123456), ('1 234,56', 123456), ('-0,99', -99), ('12.5', 1250), ('1.000', 100000)],
)
def test_amounts_with_a_comma_decimal(text, cents):
    assert imports.amounts.parse_signed(text, ',') == cents


def test_the_decimal_separator_is_decided_by_the_whole_column():
    assert imports.amounts.decide_decimal(['1,234', '12,50']) == ','
    assert imports.amounts.decide_decimal(['1,234', '12.50']) == '.'
    assert imports.amounts.decide_decimal(['1.234,00', '5']) == ','


def test_bad_rows_are_problems_with_row_column_and_value(tmp_path):
    path = write(
        tmp_path,
        'date,amount,description\n'
        '2024-02-01,abc,one\n'
        '31/02/2024,5,two\n'
        '2024-02-03\n'
        ',3,four\n'
        '2024-02-05,0,zero\n'
        ',,\n'
        '2024-02-07,1.234,thousandths\n'
        '2024-02-08,4,fine\n',
    )
    table = imports.open_table(path, 'x.csv')
    mapping = imports.guess_mapping(table.headers)
    options = imports.analyse(table, path, mapping, ReadOptions(negatives='refunds'))
    rows = list(imports.read_rows(table, path, mapping, options))
    problems = {row.row_number: row for row in rows if isinstance(row, RowProblem)}
    assert problems[2].column == 'amount' and problems[2].value == 'abc'
    assert problems[2].message.render('en') == 'abc is not an amount.'
    assert problems[3].column == 'date' and problems[3].message.render('en') == '31/02/2024 is not a real date.'
    assert problems[4].message.render('en') == 'This row has 1 column where the header has 3.'
    assert problems[5].message.render('en') == 'The date is empty.'
    assert problems[8].message.render('en') == 'The amount has more than two decimals; round it to the cent.'
    assert SkippedRow(6, 'zero') in rows and SkippedRow(7, 'empty') in rows
    assert rows[-1].amount_cents == 400


def test_a_date_in_another_format_names_the_expected_one(tmp_path):
    path = write(tmp_path, 'date,amount\n2024-02-01,1\n2024-02-02,1\n01.03.2024,1\n')
    _, rows = read_all(path)
    assert rows[2].message.render('en') == '01.03.2024 is not a date written like 2024-12-31.'


def test_a_hostile_value_is_kept_as_text_and_truncated_in_problems(tmp_path):
    hostile = '<img src=x onerror=alert(1)>'
    path = write(tmp_path, f'date,amount,description\n2024-01-01,1,{hostile}\n2024-01-02,{hostile * 5},x\n')
    _, rows = read_all(path)
    assert rows[0].description == hostile
    assert rows[1].value == (hostile * 5)[:79] + '…'


@pytest.mark.parametrize(
    ('content', 'message'),
    [
        (b'', 'The file is empty.'),
        (b'\n\n  \r\n', 'The file is empty.'),
        (b'date,amount,description\r\n', 'The file has a header but no rows.'),
        (b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'This is not a text file'),
        (b'\x00\x01\x02\x03\xff\xfe\x00\x00' * 50, 'This is not a text file'),
        (b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\x00' * 100, 'Old Excel files (.xls) cannot be read'),
    ],
)
def test_bad_files_are_one_clear_error(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(ImportFileError) as caught:
        imports.open_table(path, 'upload.csv')
    assert caught.value.message.startswith(message)
    assert caught.value.status == 422


def test_a_ten_megabyte_line_is_refused_without_reading_it_whole(tmp_path):
    path = write(tmp_path, b'date,amount,description\n2024-01-01,1,' + b'x' * (10 * 1024 * 1024) + b'\n')
    with pytest.raises(ImportFileError) as caught:
        table = imports.open_table(path, 'big.csv')
        list(imports.iter_rows(table, path))
    assert 'longer than 1 MB' in caught.value.message


def test_a_file_not_in_the_detected_encoding_further_down_is_a_clear_error(tmp_path):
    path = write(tmp_path, b'date,amount,description\n' + b'2024-01-01,1,plain\n' * 5000 + b'2024-01-02,1,caf\xe9\n')
    table = imports.open_table(path, 'x.csv')
    assert table.encoding == 'utf-8'
    with pytest.raises(ImportFileError) as caught:
        list(imports.iter_rows(table, path))
    assert caught.value.field == 'encoding' and 'choose its encoding' in caught.value.message


def test_preview_reads_only_what_it_shows(tmp_path):
    path = write(tmp_path, 'date,amount\n' + ''.join(f'2024-01-{day % 28 + 1:02d},{day}\n' for day in range(1000)))
    table = imports.open_table(path, 'x.csv')
    rows = imports.preview(table, path, limit=3)
    assert rows == [(2, ('2024-01-01', '0')), (3, ('2024-01-02', '1')), (4, ('2024-01-03', '2'))]


def test_a_mapping_without_date_or_amount_is_refused(tmp_path):
    path = write(tmp_path, 'date,amount\n2024-01-01,1\n')
    table = imports.open_table(path, 'x.csv')
    with pytest.raises(Invalid) as caught:
        imports.analyse(table, path, imports.Mapping.of({'date': 'date'}), ReadOptions())
    assert caught.value.field == 'amount'
    with pytest.raises(Invalid) as caught:
        list(imports.read_rows(table, path, imports.Mapping.of({'amount': 'amount'}), ReadOptions()))
    assert caught.value.field == 'date'


def test_problems_read_in_french(tmp_path):
    path = write(tmp_path, 'date,montant\n2024-01-01,abc\n2024-02-30,1\n2024-01-03\n')
    table, rows = read_all(path)
    assert [row.message.render('fr') for row in rows] == [
        'abc n’est pas un montant.',
        '2024-02-30 n’est pas une date qui existe.',
        'Cette ligne a 1 colonne alors que l’en-tête en a 2.',
    ]
    with pytest.raises(ImportFileError) as caught:
        imports.open_table(write(tmp_path, b''), 'vide.csv')
    assert caught.value.render('fr') == 'Le fichier est vide.'


def test_excel_sep_line_names_the_delimiter_and_is_no_row(tmp_path):
    path = write(tmp_path, 'sep=;\r\nDate;Montant;Libellé\r\n13/02/2024;3,50;Café\r\n')
    table, rows = read_all(path)
    assert (table.delimiter, table.header_line, table.headers) == (';', 2, ('Date', 'Montant', 'Libellé'))
    assert [(r.row_number, r.date, r.amount_cents, r.description) for r in rows] == [
        (3, datetime.date(2024, 2, 13), 350, 'Café')
    ]


def test_a_file_without_header_names_columns_by_position_and_guesses_from_values(tmp_path):
    path = write(tmp_path, '2024-01-05,Coffee,3.50\n2024-01-06,"Lunch, with Paul",12.00\n2024-01-07,Bus,2.10\n')
    table = imports.open_table(path, 'x.csv')
    assert (table.headers, table.header_line) == (('#1', '#2', '#3'), 0)
    assert imports.preset_mapping(table).as_dict() == {}
    mapping = imports.preset_mapping(table, path=path)
    assert mapping.as_dict() == {'date': '#1', 'amount': '#3', 'description': '#2'}
    options = imports.analyse(table, path, mapping, ReadOptions())
    rows = list(imports.read_rows(table, path, mapping, options))
    assert [(r.row_number, r.amount_cents, r.description) for r in rows] == [
        (1, 350, 'Coffee'),
        (2, 1200, 'Lunch, with Paul'),
        (3, 210, 'Bus'),
    ]


def test_headers_in_another_language_are_completed_from_values(tmp_path):
    path = write(
        tmp_path,
        'Buchungstag;Verwendungszweck;Betrag;Saldo\n01.03.2024;REWE;-23,45;1.000,00\n02.03.2024;Miete;-850,00;150,00\n',
    )
    table = imports.open_table(path, 'umsatz.csv')
    mapping = imports.preset_mapping(table, path=path)
    assert mapping.as_dict() == {'date': 'Buchungstag', 'amount': 'Betrag', 'description': 'Verwendungszweck'}


def test_camel_case_headers_and_bank_type_words():
    assert imports.guess_mapping(['dateOp', 'dateVal', 'label', 'amount', 'categoryParent']).as_dict() == {
        'date': 'dateOp',
        'amount': 'amount',
        'description': 'label',
        'category': 'categoryParent',
    }


def test_revolut_style_types(tmp_path):
    path = write(
        tmp_path,
        'Type,Started Date,Description,Amount,Currency\n'
        'CARD_PAYMENT,2024-01-02 10:00:00,Shop,-5.00,EUR\n'
        'TOPUP,2024-01-03 10:00:00,Top-up,100.00,EUR\n'
        'EXCHANGE,2024-01-04 10:00:00,To USD,-50.00,EUR\n',
    )
    _, rows = read_all(path)
    assert [getattr(r, 'reason', None) or r.amount_cents for r in rows] == [500, 'transfer', 'transfer']
