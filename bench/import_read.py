"""Benchmark: the import's read side on 100,000 rows per format: time to open and preview, to analyse the
whole column (dates, decimals), to read every row, and how much the process's peak memory grew.

    /work/main/.venv/bin/python -m bench.import_read [--rows 100000] [--formats csv,cp1252,xlsx,xlsx-openpyxl,ofx,...]

Files are generated in a temporary folder (dates day-first, decimal comma, accents, a header); nothing
touches a database. The full import (duplicates, commit) is bench.imports (import-flow's).
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _day(index: int) -> datetime.date:
    return datetime.date(2020, 1, 1) + datetime.timedelta(days=index % 1800)


def write_csv(path: Path, rows: int, encoding: str) -> None:
    with path.open('w', encoding=encoding, newline='') as handle:
        handle.write('Date;Libellé;Catégorie;Montant\r\n')
        for index in range(rows):
            cents = 100 + (index * 7919) % 99_900
            handle.write(
                f'{_day(index):%d/%m/%Y};Achat n°{index} café crème;Dépenses;-{cents // 100},{cents % 100:02d}\r\n'
            )


def write_xlsx(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet('Dépenses')
    sheet.append(['Date', 'Libellé', 'Catégorie', 'Montant'])
    for index in range(rows):
        sheet.append([_day(index), f'Achat n°{index}', 'Dépenses', (100 + (index * 7919) % 99_900) / 100])
    book.save(path)


def write_ofx(path: Path, rows: int) -> None:
    with path.open('w', encoding='ascii') as handle:
        handle.write('OFXHEADER:100\nDATA:OFXSGML\nCHARSET:1252\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR\n')
        handle.write('<BANKTRANLIST>\n')
        for index in range(rows):
            handle.write(
                f'<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{_day(index):%Y%m%d}<TRNAMT>-{1 + index % 500}.{index % 100:02d}'
                f'<FITID>F{index}<NAME>SHOP {index}</STMTTRN>\n'
            )
        handle.write('</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n')


def write_qif(path: Path, rows: int) -> None:
    with path.open('w', encoding='utf-8') as handle:
        handle.write('!Type:Bank\n')
        for index in range(rows):
            handle.write(
                f'D{_day(index):%d/%m/%Y}\nT-{1 + index % 500}.{index % 100:02d}\nPShop {index}\nLFood:Groceries\n^\n'
            )


def write_mt940(path: Path, rows: int) -> None:
    with path.open('w', encoding='ascii') as handle:
        handle.write(':20:BENCH\n:25:ACCOUNT\n:28C:1/1\n:60F:C200101EUR1000,00\n')
        for index in range(rows):
            handle.write(
                f':61:{_day(index):%y%m%d}D{1 + index % 500},{index % 100:02d}NMSCNONREF//B{index}\n:86:SHOP {index}\n'
            )
        handle.write(':62F:C241231EUR0,00\n')


WRITERS = {
    'csv': ('bench.csv', lambda path, rows: write_csv(path, rows, 'utf-8')),
    'cp1252': ('bench-cp1252.csv', lambda path, rows: write_csv(path, rows, 'cp1252')),
    'xlsx': ('bench.xlsx', write_xlsx),
    'xlsx-openpyxl': ('bench-openpyxl.xlsx', write_xlsx),  # the same sheet through the streaming reader
    'ofx': ('bench.ofx', write_ofx),
    'qif': ('bench.qif', write_qif),
    'mt940': ('bench.sta', write_mt940),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=100_000)
    parser.add_argument('--formats', default=','.join(WRITERS))
    args = parser.parse_args()
    from app.services import imports

    print(f'load average {os.getloadavg()[0]:.1f}; {args.rows} rows per file')
    print('| format | file | open + preview | analyse | read all rows | rows read | peak memory growth |')
    print('|---|---|---|---|---|---|---|')
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.formats.split(','):
            filename, write = WRITERS[name]
            path = Path(tmp) / filename
            write(path, args.rows)
            from app.services.imports import xlsx_files

            xlsx_files.CALAMINE_MAX_BYTES = -1 if name == 'xlsx-openpyxl' else 8 * 1024 * 1024
            before = max_rss_mb()
            start = time.perf_counter()
            table = imports.open_table(path, filename)
            imports.preview(table, path)
            opened = time.perf_counter()
            mapping = imports.preset_mapping(table, path=path)
            options = imports.analyse(table, path, mapping, imports.ReadOptions())
            assert isinstance(options, imports.ReadOptions), options
            analysed = time.perf_counter()
            count = sum(
                1 for row in imports.read_rows(table, path, mapping, options) if isinstance(row, imports.ParsedRow)
            )
            done = time.perf_counter()
            print(
                f'| {name} | {path.stat().st_size / 1e6:.1f} MB | {opened - start:.3f} s | {analysed - opened:.2f} s '
                f'| {done - analysed:.2f} s | {count} | {max_rss_mb() - before:.0f} MB |'
            )
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
