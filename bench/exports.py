"""Benchmark: CSV and XLSX export of 100,000 expenses, time and memory.

    /work/main/.venv/bin/python -m bench.exports [--expenses 100000] [--writers] [--check]

Seeds a fresh SQLite database in a temporary folder (in a child process, with the generator of
bench.expenses_page), then exports everything with `exports.write_csv` and `exports.write_xlsx` in this
process, reporting wall time, file size, how much the process's peak memory (max RSS) grew, and the load
average (the machine is shared). `--writers` also times the library writers it was measured against
(bench/xlsx_writers.py: openpyxl write-only, XlsxWriter constant_memory; XlsxWriter from
requirements-dev.txt); `--check` reads the XLSX back with openpyxl and checks its header and row count.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check_xlsx(path: Path, count: int) -> None:
    """The file opens with openpyxl (what the importer reads it with): the header, and one row per expense
    plus the totals row."""
    from openpyxl import load_workbook

    from app.services import exports

    book = load_workbook(path, read_only=True)
    rows = book['Expenses'].iter_rows(values_only=True)
    assert list(next(rows)) == exports.xlsx_header(), 'header'
    seen = sum(1 for _ in rows)
    assert seen == count + 1, (seen, count)
    print(f'  checked: opens with openpyxl, same header, {seen - 1} expense rows and the totals row')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--expenses', type=int, default=100_000)
    parser.add_argument('--writers', action='store_true', help='also time openpyxl and XlsxWriter')
    parser.add_argument('--check', action='store_true', help='read the XLSX back and check it')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        code = (
            'from pathlib import Path; from bench.expenses_page import seed; '
            f'seed(Path({str(folder)!r}), 0, {args.expenses})'
        )
        subprocess.run([sys.executable, '-c', code], cwd=ROOT, check=True)

        from bench.expenses_page import USERNAME
        from tests.conftest import test_environment

        os.environ.update(test_environment(folder))
        from app.config import load, use_settings
        from app.db import close_database, open_database
        from app.migrations import run_migrations
        from app.services import exports, users
        from bench import xlsx_writers

        use_settings(load())
        open_database(os.environ['DATABASE_URL'])
        run_migrations()
        user = users.find_user(USERNAME)
        print(f'{args.expenses} expenses seeded; process max RSS before exporting: {max_rss_mb():.0f} MB')
        runs = [('csv', exports.write_csv), ('xlsx', exports.write_xlsx)]
        if args.writers:
            runs += [
                (
                    'xlsx (XlsxWriter constant_memory)',
                    lambda user, _month, target: xlsx_writers.xlsxwriter_constant_memory(user, target),
                ),
                (
                    'xlsx (openpyxl write-only)',
                    lambda user, _month, target: xlsx_writers.openpyxl_write_only(user, target),
                ),
            ]
        for kind, write in runs:
            target = folder / f'all.{kind.split()[0]}'
            before = max_rss_mb()
            start = time.perf_counter()
            with open(target, 'wb') as handle:
                count = write(user, None, handle)
            elapsed = time.perf_counter() - start
            print(
                f'{kind}: {count} expenses in {elapsed:.2f} s, {os.path.getsize(target) / 1e6:.1f} MB file, '
                f'max RSS +{max_rss_mb() - before:.0f} MB (now {max_rss_mb():.0f} MB), '
                f'load average {os.getloadavg()[0]:.1f}'
            )
            if args.check and kind == 'xlsx':
                check_xlsx(target, count)
        close_database()
    return 0


if __name__ == '__main__':
    sys.exit(main())
