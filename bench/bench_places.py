"""How long the places of a household take to compute, for the expense form's suggestions and the API.

    .venv/bin/python bench/bench_places.py [expenses] [places]

Seeds one user with `expenses` located expenses spread over `places` shops around Paris (GPS jitter of
up to ~25 m, two out of three named), in a temporary SQLite database, then times household_places()
(all places, what GET /sysapi/places does), suggest_places() with a position (what the form asks for),
month_map() for one month (what the map page loads), and the first suggestion after each of 10 saves
through `expenses.create_expense` (issue 21: the places are brought up to date change by change), then
after 10 saves at the most visited shop (the largest neighbourhood: the worst case) and 10 at the second
(named, as its visits are).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(expense_count: int = 20_000, place_count: int = 300) -> None:
    folder = Path(tempfile.mkdtemp(prefix='wis-bench-places-'))
    os.environ.update(
        {
            'WIS_CONFIG': str(folder / 'config.env'),
            'API_KEY': 'b' * 32,
            'API_KEY_SALT': 'c' * 32,
            'STORAGE_SECRET': 'd' * 32,
            'DATABASE_URL': f'sqlite:///{folder / "bench.db"}',
        }
    )
    from app.config import load, use_settings

    use_settings(load())
    from app.db import db, open_database
    from app.migrations import run_migrations
    from app.models import Category, Expense, PaymentMethod, User
    from app.services import places, places_map
    from app.services.months import Month

    open_database(os.environ['DATABASE_URL'])
    run_migrations()
    rng = random.Random(8)
    user = User.create(username='bench', username_key='bench')
    categories = [Category.create(owner=user, name=f'Category {i}') for i in range(8)]
    methods = [PaymentMethod.create(owner=user, name=n) for n in ('Cash', 'Card', 'Transfer')]
    shops = [(48.80 + rng.random() * 0.12, 2.25 + rng.random() * 0.2) for _ in range(place_count)]
    weights = [1 / (i + 1) for i in range(place_count)]  # a few shops visited often, many rarely
    start = date(2016, 1, 1)
    rows = []
    for n in range(expense_count):
        shop = rng.choices(range(place_count), weights)[0]
        lat, lon = shops[shop]
        rows.append(
            {
                'owner': user.id,
                'amount_cents': rng.randint(100, 20_000),
                'date': start + timedelta(days=n * 3650 // expense_count),
                'category': categories[shop % 8].id,
                'payment_method': methods[rng.random() < 0.8].id,
                'latitude': lat + rng.uniform(-0.0002, 0.0002),
                'longitude': lon + rng.uniform(-0.0003, 0.0003),
                'place': f'Shop {shop}' if shop % 3 else '',
            }
        )
    with db.atomic():
        for i in range(0, len(rows), 500):
            Expense.insert_many(rows[i : i + 500]).execute()

    def timed(label: str, action, repeat: int = 5, cold: bool = False) -> None:
        best = best_cpu = float('inf')
        for _ in range(repeat):
            if cold:
                places._cache.clear()  # the next call computes the household from nothing
            began, cpu = time.perf_counter(), time.process_time()
            result = action()
            best = min(best, time.perf_counter() - began)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        print(f'{label:<52} {best * 1000:8.1f} ms  (CPU {best_cpu * 1000:.1f} ms; {len(result)} rows)')

    print(f'{expense_count} located expenses, {place_count} shops, SQLite, best of 5')
    timed('household_places, first call (grouping)', lambda: places.household_places(user), cold=True)
    timed('household_places, expenses unchanged (cached)', lambda: places.household_places(user))
    timed('suggest_places with a position (the form, cached)', lambda: places.suggest_places(user, *shops[0]))
    last = rows[-1]['date']
    timed('month_map, one month (the map page)', lambda: places_map.month_map(user, Month.of(last)).expenses)

    from app.services import expenses, places_state

    regrouped: list[int] = []  # visits of each neighbourhood grouped again whole (not appended to)
    form = places_state.HouseholdPlaces._form

    def counted_form(state, spots):
        regrouped.append(sum(len(state.members[spot]) for spot in spots))
        return form(state, spots)

    places_state.HouseholdPlaces._form = counted_form

    def saves(label: str, shop_of, named) -> None:
        timings, cpu_times = [], []
        regrouped.clear()
        for n in range(10):
            shop = shop_of(n)
            lat, lon = shops[shop]
            data = {
                'amount': '12.30',
                'date': str(last),
                'category_id': categories[shop % 8].id,
                'payment_method_id': methods[1].id,
                'latitude': str(lat + rng.uniform(-0.0002, 0.0002)),
                'longitude': str(lon + rng.uniform(-0.0003, 0.0003)),
                'place': f'Shop {shop}' if named(n, shop) else '',
            }
            expenses.create_expense(user, data)
            began, cpu = time.perf_counter(), time.process_time()
            found = places.suggest_places(user, lat, lon)
            timings.append(time.perf_counter() - began)
            cpu_times.append(time.process_time() - cpu)
            assert found, 'a suggestion after the save'
        timings.sort()
        cpu_times.sort()
        print(
            f'{label:<52} {timings[4] * 1000:8.1f} ms median, {timings[-1] * 1000:.1f} ms worst '
            f'(CPU {cpu_times[4] * 1000:.1f}, {cpu_times[-1] * 1000:.1f} ms); '
            f'{len(regrouped)} neighbourhoods grouped again whole (largest: {max(regrouped, default=0)} visits)'
        )

    saves('first suggestion after a save (10 saves)', lambda n: n * 7 % place_count, lambda n, shop: n % 2)
    # the worst case: the neighbourhood of the most visited shop (13,554 visits at 100,000), named as its visits are
    saves('... 10 saves at the most visited shop (unnamed)', lambda n: 0, lambda n, shop: shop % 3)
    saves('... 10 saves at the 2nd most visited shop (named)', lambda n: 1, lambda n, shop: shop % 3)
    # what appending cannot take: the first name given at an unnamed shop (0, the most visited, then 3, 6, ...),
    # whose unnamed visits then join the new named place; its neighbourhood is grouped again whole
    saves('... 10 saves naming an unnamed shop (0, 3, 6, ...)', lambda n: 3 * n, lambda n, shop: True)
    print(f'load average {os.getloadavg()[0]:.1f} (2 vCPU shared with other work)')


if __name__ == '__main__':
    main(*(int(arg) for arg in sys.argv[1:3]))
