"""Benchmark: the search over all time (issue 18) on 1,000,000 expenses: a word, and a combined filter.

    .venv/bin/python bench/seed.py --database /tmp/wis-search-bench/whatispend.db --users 10 --expenses 1000000
    .venv/bin/python -m bench.search --database /tmp/wis-search-bench/whatispend.db [--runs 30]

    # PostgreSQL: an empty database on a server (scripts/pg-test-cluster start /tmp/wis-pg-bench prints the URL)
    .venv/bin/python bench/seed.py --database postgresql://wis@127.0.0.1:PORT/bench --users 10 --expenses 1000000
    .venv/bin/python -m bench.search --database-url postgresql://wis@127.0.0.1:PORT/bench [--runs 30]

The seeded database (bench/seed.py: 10 users linked two by two, five years) gets, once, what the seed does
not write: tags on 3 % of bench1's expenses, and a monthly "Netflix" for bench1. Then each query is asked as
the Expenses page asks it (`expense_search.parse_filters` then `list_expenses` with the first page of 25
rows, count and total included) by bench1, who sees bench1's and bench2's 200,000 expenses, `--runs` times
after one warm-up; prints the median and the 95th percentile of each, in wall time and in CPU time of the
process (the code's own cost, whatever else the machine runs), and the machine's load. On PostgreSQL the CPU
time adds the server's backend process (its `/proc/<pid>/schedstat`, readable when the server runs on this
machine as it does here), so that both columns mean the same work on either database; `prepare` then ends with
`VACUUM ANALYZE expense`, as autovacuum would after the seed's million inserts.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.db import db, is_postgres, open_database  # noqa: E402
from app.migrations import run_migrations  # noqa: E402
from app.models import Expense, User  # noqa: E402
from app.services import expense_search, tags  # noqa: E402

WORDS = {
    'a word, rare (netflix: 60 rows)': {'search': 'netflix'},
    'a word, common (pizza)': {'search': 'pizza'},
    'a prefix (supe: Supermarket)': {'search': 'supe'},
    'a word naming a category (transport)': {'search': 'transport'},
    'a tag (vacances)': {'search': 'vacances'},
    'a word matching nothing': {'search': 'zzyzx'},
}
COMBINED = {
    'word + year + amount range': {'search': 'pizza 2025 10..40'},
    'word + from/to + payment method + min': {'search': 'market', 'from': '2024-03-01', 'to': '2025-09-30'},
    'category + tag + has_receipt=false': {'tag': 'vacances', 'has_receipt': 'false'},
    'two words + creator + since:': {'search': 'lunch dinner since:2023', 'created_by': 'bench2'},
}


def prepare(user: User) -> None:
    """Once per database: tags on 3 % of bench1's expenses and a monthly Netflix (the seed has neither)."""
    if tags.tag_names(user):
        return
    rng = random.Random(18)
    ids = [row.id for row in Expense.select(Expense.id).where(Expense.owner == user.id)]
    chosen = rng.sample(ids, len(ids) * 3 // 100)
    with db.atomic():
        tags.add_and_remove(user.id, chosen[: len(chosen) // 2], ['vacances'], [])
        tags.add_and_remove(user.id, chosen[len(chosen) // 2 :], ['travail'], [])
        first = Expense.select().where(Expense.owner == user.id).order_by(Expense.id).first()
        for year in range(2021, 2026):
            for month in range(1, 13):
                Expense.create(
                    owner=user.id,
                    amount_cents=1599,
                    date=f'{year}-{month:02d}-05',
                    category=first.category_id,
                    payment_method=first.payment_method_id,
                    description='Netflix',
                )
    if is_postgres():
        db.execute_sql('VACUUM ANALYZE expense')  # outside the transaction above, as autovacuum would


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


def server_cpu() -> Callable[[], float]:
    """The CPU time (s) of the PostgreSQL backend serving this connection, or of nothing on SQLite (the
    database is the process itself). schedstat's first field is the time spent on a CPU, in nanoseconds."""
    if not is_postgres():
        return lambda: 0.0
    pid = db.execute_sql('SELECT pg_backend_pid()').fetchone()[0]
    path = Path(f'/proc/{pid}/schedstat')
    if not path.exists():
        sys.exit(f'{path} cannot be read: run the benchmark on the machine of the PostgreSQL server')
    return lambda: int(path.read_text().split()[0]) / 1e9


def time_query(user: User, values: dict, runs: int) -> tuple[list[float], list[float], int]:
    """Wall time and CPU time of the process and of its PostgreSQL backend (what the code costs, whatever the
    neighbours do), in ms."""
    timings, cpu = [], []
    count = 0
    backend = server_cpu()
    for run in range(runs + 1):
        started, started_cpu = time.perf_counter(), time.process_time() + backend()
        filters = expense_search.parse_filters(user, values)
        page = expense_search.list_expenses(user, None, filters=filters, limit=25)
        elapsed = (time.perf_counter() - started) * 1000
        elapsed_cpu = (time.process_time() + backend() - started_cpu) * 1000
        count = page.count
        if run:  # the first one warms the cache
            timings.append(elapsed)
            cpu.append(elapsed_cpu)
    return timings, cpu, count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument('--database', type=Path, help='the SQLite file bench/seed.py made')
    where.add_argument('--database-url', help='postgresql://... of the database bench/seed.py filled')
    parser.add_argument('--runs', type=int, default=30)
    args = parser.parse_args(argv)
    open_database(args.database_url or f'sqlite:///{args.database}')
    run_migrations()
    user = User.get(User.username == 'bench1')
    prepare(user)
    card = next(m for m in user.payment_methods if m.name == 'Card')
    COMBINED['word + from/to + payment method + min'].update(payment_method_id=str(card.id), min='5')
    total = Expense.select().count()
    engine = db.execute_sql('SELECT version()').fetchone()[0].split(' on ')[0] if is_postgres() else 'SQLite'
    print(f'{engine}: {total:,} expenses; bench1 sees {expense_search.list_expenses(user, None, limit=1).count:,}')
    print(f'load average before: {", ".join(f"{x:.2f}" for x in os.getloadavg())} on {os.cpu_count()} cores')
    print(f'{"query":48} {"found":>8} {"median":>9} {"p95":>9} {"CPU med":>9} {"CPU p95":>9}')
    for title, values in {**WORDS, **COMBINED}.items():
        wall, cpu, count = time_query(user, values, args.runs)
        figures = (statistics.median(wall), p95(wall), statistics.median(cpu), p95(cpu))
        print(f'{title:48} {count:8,} ' + ' '.join(f'{figure:7.1f}ms' for figure in figures))
    print(f'load average after: {", ".join(f"{x:.2f}" for x in os.getloadavg())}')


if __name__ == '__main__':
    main()
