"""Benchmark of budgets: the Budgets page's and the dashboard's list (`budgets.list_budgets`) and one pass
of the alerts check (`alerts.check_budgets`), with the month's dashboard figures (`stats.dashboard`) beside
them as the peer a person already waits for.

    .venv/bin/python -m bench.budgets --expenses 100000 --users 10 --runs 15

Seeds a database in a temporary folder (bench/seed.py: households of two linked users, five years up to
2026-10-31), gives bench1 a budget for everything, one per top-level category of the household with
rollover since two years back (so every list sums 24 months of carry), and one per payment method, then
times each call --runs times for September 2026 (as seen on 15 September) after one warm-up, in this
process (no HTTP), and prints the medians. Nothing is asserted: docs/PERFORMANCE.md records the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402


def timed(call, runs: int) -> tuple[float, float]:
    call()
    spans = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        spans.append(time.perf_counter() - started)
    return statistics.median(spans), max(spans)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--expenses', type=int, default=100_000)
    parser.add_argument('--users', type=int, default=10)
    parser.add_argument('--runs', type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / 'whatispend.db'
        seed.main(['--database', str(database), '--expenses', str(args.expenses), '--users', str(args.users)])
        from tests.conftest import test_environment

        os.environ.update(test_environment(Path(folder)))  # the test configuration, on this database
        from app.db import open_database
        from app.models import Budget, Category, PaymentMethod, User
        from app.services import access, alerts, budgets, stats
        from app.services.months import Month

        open_database(f'sqlite:///{database}')
        user = User.get(User.username == 'bench1')
        owners = access.visible_owner_ids(user)
        budgets.create_budget(user, '3000')
        for category in Category.select().where(Category.owner == user.id, Category.parent.is_null()):
            budgets.create_budget(user, '300', category.id, rollover=True)
        for method in PaymentMethod.select().where(PaymentMethod.owner == user.id):
            budgets.create_budget(user, '1000', payment_method_id=method.id)
        Budget.update(created_at=datetime(2024, 9, 1)).execute()
        count = Budget.select().count()
        month, today = Month(2026, 9), date(2026, 9, 15)
        listing = timed(lambda: budgets.list_budgets(user, month, upcoming=[], today=today), args.runs)
        check = timed(lambda: alerts.check_budgets(owners, today=today), args.runs)
        peer = timed(lambda: stats.dashboard(user, month), args.runs)
        load = os.getloadavg()[0]
        print(f'{args.expenses} expenses, {args.users} users; bench1 has {count} budgets; load average {load:.1f}')
        print(f'list_budgets (page and dashboard): median {listing[0] * 1000:.1f} ms, worst {listing[1] * 1000:.1f} ms')
        print(f'alerts.check_budgets (one pass):   median {check[0] * 1000:.1f} ms, worst {check[1] * 1000:.1f} ms')
        print(f'stats.dashboard (peer):            median {peer[0] * 1000:.1f} ms, worst {peer[1] * 1000:.1f} ms')


if __name__ == '__main__':
    main()
