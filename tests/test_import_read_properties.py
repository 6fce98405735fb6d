"""Property tests (hypothesis) of the import reader (issue 16, item 10): random bytes and random CSV never crash
it and give only clear errors (ServiceError, a message for a person); well-formed tables, amounts and dates
read back exactly what was written."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.services import imports
from app.services.errors import ServiceError
from app.services.imports import ParsedRow, ReadOptions, RowProblem, SkippedRow, amounts, dates

PROPERTIES = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from(
    ['f.csv', 'f.tsv', 'f.txt', 'f.xlsx', 'f.ofx', 'f.qfx', 'f.qif', 'f.xml', 'f.sta', 'f.mt940', 'f.json', 'f']
)
PREFIXES = st.sampled_from(
    [
        b'',
        b'\xef\xbb\xbf',
        b'\xff\xfe',
        b'PK\x03\x04',
        b'OFXHEADER:100\n<OFX>',
        b'!Type:Bank\n',
        b'<?xml version="1.0"?>',
        b':20:X\n',
        b'[',
        b'{',
        b'date,amount\n',
        b'Date;Montant\n01/02/2024;',
    ]
)


def exercise(content: bytes, name: str) -> None:
    """Everything a page does with a file, each step allowed to refuse only with a ServiceError."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            table = imports.open_table(path, name)
            imports.preview(table, path)
            mapping = imports.preset_mapping(table)
            if not mapping.get('date') or not (mapping.get('amount') or mapping.get('debit') or mapping.get('credit')):
                list(imports.iter_rows(table, path))
                return
            options = imports.analyse(table, path, mapping, ReadOptions())
            if isinstance(options, imports.DateQuestion):
                assert options.candidates
                options = ReadOptions(date_format=options.candidates[0])
            for row in imports.read_rows(table, path, mapping, options):
                assert isinstance(row, ParsedRow | RowProblem | SkippedRow)
                if isinstance(row, RowProblem):
                    assert row.message.render('en') and row.message.render('fr') and len(row.value) <= 80
        except ServiceError as error:
            assert error.render('en') and error.render('fr')


@PROPERTIES
@given(PREFIXES, st.binary(max_size=3000), NAMES)
@example(b'', b'\x00' * 10, 'f.csv')
@example(b'OFXHEADER:100\n<OFX>', b'<STMTTRN><TRNAMT>abc<DTPOSTED>x', 'f.ofx')
@example(b':20:X\n', b':61:2402300230D1,00NMSC\n', 'f.sta')
def test_random_bytes_never_crash_the_reader(prefix: bytes, content: bytes, name: str) -> None:
    exercise(prefix + content, name)


CELL = st.text(alphabet=st.characters(blacklist_categories=('Cs',), blacklist_characters='\x00'), max_size=30)


@PROPERTIES
@given(
    st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=30),
    st.sampled_from([',', ';', '\t', '|']),
    st.sampled_from(['utf-8', 'utf-8-sig', 'utf-16', 'cp1252']),
)
def test_random_csv_never_crashes_the_reader(rows: list[list[str]], delimiter: str, encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    exercise(buffer.getvalue().encode(encoding, errors='replace'), 'random.csv')


SAFE_CELL = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF, blacklist_characters='\x7f'), max_size=20
)


@PROPERTIES
@given(
    st.lists(st.tuples(SAFE_CELL, SAFE_CELL, SAFE_CELL), min_size=1, max_size=40),
    st.sampled_from([',', ';', '\t']),
    st.sampled_from(['utf-8', 'utf-8-sig', 'utf-16', 'cp1252', 'latin-1']),
)
def test_a_well_formed_table_reads_back_cell_for_cell(
    rows: list[tuple[str, str, str]], delimiter: str, encoding: str
) -> None:
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writerow(['Date', 'Amount', 'Note'])
    writer.writerows(rows)
    try:
        content = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / 'table.csv'
        path.write_bytes(content)
        if not rows:
            return
        table = imports.open_table(path, 'table.csv', encoding=encoding, delimiter=delimiter)
        assert table.headers == ('Date', 'Amount', 'Note')
        assert [cells for _, cells in imports.iter_rows(table, path)] == rows


@PROPERTIES
@given(
    st.integers(min_value=0, max_value=10**11),
    st.booleans(),
    st.sampled_from(
        ['{sign}{number}', '({number})', '{number}-', '{sign}€{number}', '{sign}{number} EUR', '$ {sign}{number}']
    ),
    st.sampled_from(['.', ',']),
    st.booleans(),
)
def test_amounts_in_every_style_read_back(cents: int, negative: bool, style: str, decimal: str, grouped: bool) -> None:
    units, rest = divmod(cents, 100)
    whole = f'{units:,}' if grouped else str(units)
    if decimal == ',':
        whole = whole.replace(',', '.')
    number = f'{whole}{decimal}{rest:02d}'
    sign = '-' if negative else ''
    text = style.format(sign=sign, number=number)
    expected = -cents if negative or style in ('({number})', '{number}-') else cents
    assert amounts.parse_signed(text, decimal) == expected


@PROPERTIES
@given(
    st.dates(min_value=datetime.date(1971, 1, 1), max_value=datetime.date(2068, 12, 31)), st.sampled_from(dates.FORMATS)
)
def test_dates_in_every_format_read_back(day: datetime.date, fmt: str) -> None:
    text = day.strftime(fmt)
    assert dates.parse(text, fmt) == (day, None)
    assert dates.parse(f'{text} 13:45', fmt) == (day, datetime.time(13, 45))


@PROPERTIES
@given(
    st.lists(
        st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2030, 12, 31)), min_size=1, max_size=50
    )
)
def test_a_column_is_never_decided_wrongly(days: list[datetime.date]) -> None:
    """Day-first text is decided day-first when a day above 12 shows it, and otherwise asked, never misread."""
    chosen, tied, _ = dates.decide(day.strftime('%d/%m/%Y') for day in days)
    if any(day.day > 12 and day.day != day.month for day in days):
        assert chosen == '%d/%m/%Y'
    elif all(day.day == day.month for day in days):
        assert chosen is None and tied == ('%d/%m/%Y', '%m/%d/%Y')
    else:
        assert chosen is None and '%d/%m/%Y' in tied
