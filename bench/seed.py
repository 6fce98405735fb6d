"""Fill a What I Spend database with realistic data for benchmarks and screenshots.

    .venv/bin/python bench/seed.py --database /tmp/wis-bench/whatispend.db --users 10 --expenses 1000000

N users (bench1, bench2, ...; all with the password given by --password), linked two by two like
households; each with the preset categories and subcategories and three payment methods; expenses
spread over --years years up to --end with a skewed distribution: more on Saturdays and at the start
of a month, a rent on the first days of each month, amounts log-normal around each category's median,
a slow growth over the years. Rows are written in date order (as a real installation receives them,
every household interleaved) with executemany in transactions of 100,000 rows; a million rows take
about a minute.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import math
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher, Type  # noqa: E402

from app.db import db, open_database  # noqa: E402
from app.migrations import run_migrations  # noqa: E402
from app.models import Category, PaymentMethod, User, UserLink  # noqa: E402
from app.services.presets import DEFAULT_CATEGORIES, DEFAULT_PAYMENT_METHODS  # noqa: E402

BATCH = 100_000
NOW = '2026-01-01 00:00:00'
DEFAULT_PASSWORD = 'bench password'

# category -> (share of the expenses, median amount in cents, spread, descriptions by subcategory)
PROFILE = {
    'Food': (0.44, 1800, 0.8, {
        'Groceries': ['Supermarket', 'Market', 'Organic shop'],
        'Restaurants': ['Lunch', 'Dinner out', 'Pizza'],
        'Bakery': ['Bread', 'Croissants'],
    }),
    'Transport': (0.17, 3500, 0.7, {
        'Fuel': ['Fuel'], 'Public transport': ['Metro tickets', 'Train'], 'Parking': ['Parking'],
    }),
    'Leisure': (0.14, 2500, 0.9, {
        'Outings': ['Cinema', 'Concert', 'Museum'], 'Subscriptions': ['Streaming', 'Music'],
        'Travel': ['Hotel', 'Flight'],
    }),
    'Shopping': (0.13, 4500, 0.9, {
        'Clothes': ['Jacket', 'Shoes', 'T-shirts'], 'Electronics': ['Headphones', 'Cable'], 'Home': ['Lamp', 'Kitchen'],
    }),
    'Health': (0.07, 3000, 0.6, {'Pharmacy': ['Pharmacy'], 'Doctor': ['GP visit', 'Dentist']}),
    'Housing': (0.05, 9000, 0.6, {
        'Utilities': ['Electricity', 'Water', 'Internet'], 'Insurance': ['Home insurance'],
    }),
}  # fmt: skip
PAYMENT_SHARES = {'Card': 0.72, 'Cash': 0.19, 'Transfer': 0.09}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--database',
        required=True,
        help='SQLite file to create (must not exist), or the URL of an empty PostgreSQL database',
    )
    parser.add_argument('--users', type=int, default=10, help='number of users (default 10)')
    parser.add_argument('--expenses', type=int, default=100_000, help='number of expenses in total (default 100000)')
    parser.add_argument('--years', type=int, default=5, help='years of history (default 5)')
    parser.add_argument('--end', type=date.fromisoformat, default=date(2026, 10, 31), help='last day (2026-10-31)')
    parser.add_argument('--password', default=DEFAULT_PASSWORD, help='password of every user')
    parser.add_argument('--currency', default='EUR')
    parser.add_argument('--locale', default='fr-FR')
    parser.add_argument('--seed', type=int, default=42, help='random seed (the same seed gives the same data)')
    args = parser.parse_args(argv)
    if args.users < 1 or args.expenses < 0 or args.years < 1:
        parser.error('--users and --years must be at least 1, --expenses at least 0')
    if not args.database.startswith(('postgresql://', 'postgres://')):
        args.database = Path(args.database)
        if args.database.exists():
            parser.error(f'{args.database} exists; choose a new file (seeding never overwrites data)')
    return args


def day_weights(days: list[date]) -> list[float]:
    """More on Saturdays and at the start of a month, a slow growth over the years."""
    first = days[0]
    weekday = (1.0, 0.9, 0.95, 1.0, 1.25, 1.7, 0.8)
    weights = []
    for day in days:
        weight = weekday[day.weekday()] * (1.35 if day.day <= 5 else 1.0)
        weight *= 1 + 0.25 * (day - first).days / 365
        weights.append(weight)
    return weights


def create_users(args: argparse.Namespace) -> list[dict]:
    """Users with their categories and payment methods; returns the ids the expenses need."""
    password_hash = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, type=Type.ID).hash(args.password)
    owners = []
    with db.atomic():
        for number in range(1, args.users + 1):
            name = f'bench{number}'
            user = User.create(
                username=name,
                username_key=name,
                password_hash=password_hash,
                is_admin=number == 1,
                currency=args.currency,
                locale=args.locale,
            )
            categories = {}
            for preset in DEFAULT_CATEGORIES:
                parent = Category.create(owner=user, name=preset['name'], color=preset['color'], icon=preset['icon'])
                children = {
                    child: Category.create(owner=user, name=child, parent=parent, color=preset['color']).id
                    for child in preset['children']
                }
                categories[preset['name']] = (parent.id, children)
            methods = {
                m['name']: PaymentMethod.create(owner=user, name=m['name'], icon=m['icon']).id
                for m in DEFAULT_PAYMENT_METHODS
            }
            owners.append({'id': user.id, 'categories': categories, 'methods': methods})
        for a, b in zip(owners[0::2], owners[1::2]):
            UserLink.create(user_a=a['id'], user_b=b['id'], status='active', invited_by=a['id'])
    return owners


def expenses_of(owner: dict, count: int, days: list[date], cumulative: list[float], rng: random.Random):
    """`count` expense rows of one owner, sorted by date, rent included."""
    months = sorted({(d.year, d.month) for d in days})
    rent_parent, rent_children = owner['categories']['Housing']
    rows = []
    rent_count = min(len(months), count)
    for year, month in months[-rent_count:] if rent_count else []:
        rent_day = date(year, month, rng.randint(1, 5))
        rows.append((rent_day, rng.choice((78000, 82000, 85000, 91000)), rent_parent, rent_children['Rent'],
                     owner['methods']['Transfer'], 'Rent'))  # fmt: skip
    names = list(PROFILE)
    shares = list(itertools.accumulate(PROFILE[n][0] for n in names))
    methods = list(PAYMENT_SHARES)
    method_shares = list(itertools.accumulate(PAYMENT_SHARES.values()))
    picked_days = rng.choices(days, cum_weights=cumulative, k=count - rent_count)
    for day in picked_days:
        name = names[min(bisect.bisect(shares, rng.random() * shares[-1]), len(names) - 1)]
        _, median, spread, descriptions = PROFILE[name]
        parent_id, children = owner['categories'][name]
        sub_name = rng.choice(list(descriptions))
        subcategory = children[sub_name] if rng.random() > 0.2 else None
        cents = max(50, int(median * math.exp(rng.gauss(0, spread))))
        method = methods[min(bisect.bisect(method_shares, rng.random()), len(methods) - 1)]
        rows.append((day, cents, parent_id, subcategory, owner['methods'][method], rng.choice(descriptions[sub_name])))
    rows.sort(key=lambda r: r[0])
    return rows


def seed(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    postgres = isinstance(args.database, str)  # a URL (parse_args): PostgreSQL
    if postgres:
        open_database(args.database)
    else:
        args.database.parent.mkdir(parents=True, exist_ok=True)
        open_database(f'sqlite:///{args.database}')
    run_migrations()
    owners = create_users(args)
    rng = random.Random(args.seed)
    first = date(args.end.year - args.years, args.end.month, 1) + timedelta(days=0)
    days = [first + timedelta(days=i) for i in range((args.end - first).days + 1)]
    cumulative = list(itertools.accumulate(day_weights(days)))
    per_owner = [args.expenses // args.users + (i < args.expenses % args.users) for i in range(args.users)]
    connection = db.connection()
    mark = '%s' if postgres else '?'
    sql = (
        'INSERT INTO expense (owner_id, amount_cents, date, category_id, subcategory_id, payment_method_id, '
        f"description, place, created_at, updated_at) VALUES ({', '.join([mark] * 7)}, '', {mark}, {mark})"
    )
    # All households' rows in the order a real installation receives them: by date, interleaved, so a
    # household's month is scattered over the table and only an index can gather it cheaply.
    rows = [
        (owner['id'], cents, day.isoformat(), category, subcategory, method, description, NOW, NOW)
        for owner, count in zip(owners, per_owner)
        for day, cents, category, subcategory, method, description in expenses_of(owner, count, days, cumulative, rng)
    ]
    rows.sort(key=lambda row: row[2])
    if not postgres:
        connection.execute('PRAGMA synchronous=OFF')
        connection.execute('PRAGMA cache_size=-262144')  # 256 MiB while the index grows out of order
    for start in range(0, len(rows), BATCH):
        with db.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    cursor.executemany(sql, rows[start : start + BATCH])
            else:
                connection.executemany(sql, rows[start : start + BATCH])
    written = len(rows)
    if not postgres:
        connection.execute('PRAGMA synchronous=FULL')
    db.close()
    return {'expenses': written, 'users': args.users, 'first': first, 'seconds': time.perf_counter() - started}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    result = seed(args)
    print(
        f'{args.database}: {result["expenses"]:,} expenses of {result["users"]} users '
        f'from {result["first"]} to {args.end} in {result["seconds"]:.1f} s'
    )


if __name__ == '__main__':
    main()
