"""Benchmark of the dashboard's views (issue 20): `stats.dashboard()` counted as the household (the expense table
alone, from its covering index), as what I paid and as my share (each joining the split of every expense).

    .venv/bin/python bench/dashboard_views.py --expenses 100000 1000000 --runs 30

For each size: seed a database (bench/seed.py: users linked two by two, one user per 10,000 expenses), then
split half of the first couple's expenses equally between the two (the payer first, as the app stores it),
and time `stats.dashboard(bench1, September 2026, view=...)` in-process `--runs` times per view after a
warm-up. Prints the p50 / p95 of each view and the month's row count. Databases live in a temporary folder
(--workdir to keep and reuse them).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402

MONTH = (2026, 9)
PER_USER = 10_000
VIEWS = ('household', 'paid', 'share')


def seeded(folder: Path, expenses: int) -> Path:
    database = folder / f'views-{expenses}.db'
    if not database.exists():
        seed.main(
            ['--database', str(database), '--expenses', str(expenses), '--users', str(max(2, expenses // PER_USER))]
        )
        split_half(database)
    return database


def split_half(database: Path) -> None:
    """Half of bench1's and bench2's expenses split equally between them (the payer's part first, its odd cent
    too: the module's remainder rule), as rows the app would have written."""
    import sqlite3

    connection = sqlite3.connect(database)
    with connection:
        connection.execute(
            "INSERT INTO expense_split (expense_id, paid_by_id, mode) SELECT id, owner_id, 'equal' FROM expense "
            'WHERE owner_id IN (1, 2) AND id % 2 = 0'
        )
        for position, payer, cents in (
            (0, 's.paid_by_id', '(e.amount_cents + 1) / 2'),
            (1, '3 - s.paid_by_id', 'e.amount_cents / 2'),
        ):
            connection.execute(
                'INSERT INTO expense_share (split_id, user_id, position, part, share_cents) '
                f"SELECT s.id, {payer}, {position}, '', {cents} "
                'FROM expense_split s JOIN expense e ON e.id = s.expense_id'
            )
    connection.close()


def measure(database: Path, runs: int) -> dict[str, tuple[float, float, int]]:
    from app.db import close_database, open_database
    from app.models import User
    from app.services import stats
    from app.services.months import Month

    open_database(f'sqlite:///{database}')
    try:
        user = User.get(User.username == 'bench1')
        month = Month(*MONTH)
        result = {}
        for view in VIEWS:
            data = stats.dashboard(user, month, view=view)  # warm-up: the pages of the month in the cache
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                stats.dashboard(user, month, view=view)
                times.append((time.perf_counter() - started) * 1000)
            p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
            result[view] = (statistics.median(times), p95, data.stats.count)
        return result
    finally:
        close_database()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--expenses', type=int, nargs='+', default=[100_000])
    parser.add_argument('--runs', type=int, default=30)
    parser.add_argument('--workdir', type=Path)
    args = parser.parse_args()
    print(f'# {platform.processor() or platform.machine()}, load {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores')
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        from tests.conftest import test_environment

        os.environ.update(test_environment(folder))  # the test configuration, on these databases
        for size in args.expenses:
            database = seeded(folder, size)
            for view, (p50, p95, count) in measure(database, args.runs).items():
                print(
                    f'{size:>9,} expenses  view={view:<9}  {count:>4} in the month  '
                    f'p50 {p50:6.1f} ms  p95 {p95:6.1f} ms'
                )
    return 0


if __name__ == '__main__':
    sys.exit(main())
