"""How well and how fast receipts are read offline: Tesseract on receipts rendered for the purpose.

    .venv/bin/python bench/ocr.py [COUNT]        (default 24 receipts, in four kinds of equal share)

Each receipt is drawn by tests/receipt_images.py (the same generator as the tests) with a random shop,
three to eight items, a date in one of five spellings and a total word (TOTAL, TOTAL TTC, NET A PAYER,
MONTANT), as one of four kinds: clean; turned a few degrees (3 to 8, either way) with 2 % of the pixels
flipped; turned a quarter or a half turn (a phone held sideways or upside down); and turned a little with
5 % noise. Then `ocr.read_receipt` runs on each, one at a time, as the page does. Prints, per kind and in
all, the share of totals, dates and shop names read right, and the time per receipt (median, worst).
The load average is printed too: on a shared machine it dominates the times.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SHOPS = ['Carrefour Market', 'Monoprix', 'Boulangerie Paul', 'Leclerc Drive', 'Pharmacie du Centre', 'Fnac']
ITEMS = ['PAIN', 'LAIT 1L', 'POMMES', 'CAFE', 'YAOURTS', 'FROMAGE', 'JAMBON', 'EAU 6X1.5L', 'PATES', 'RIZ']
WORDS = ['TOTAL', 'TOTAL TTC', 'NET A PAYER', 'MONTANT']
MONTHS_FR = ['janv', 'févr', 'mars', 'avr', 'mai', 'juin', 'juil', 'août', 'sept', 'oct', 'nov', 'déc']
KINDS = ['clean', 'turned + 2% noise', 'quarter or half turn', 'turned + 5% noise']


def spelled(day: date, style: int) -> str:
    return [
        day.strftime('%d/%m/%Y'),
        day.strftime('%d/%m/%y'),
        day.strftime('%d.%m.%Y'),
        day.isoformat(),
        f'{day.day} {MONTHS_FR[day.month - 1]} {day.year}',
    ][style % 5]


def receipt(number: int, randomness: random.Random) -> tuple[str, bytes, int, date, str]:
    from tests.receipt_images import receipt_photo

    kind = number % 4
    shop = randomness.choice(SHOPS)
    items = [(randomness.choice(ITEMS), randomness.randint(45, 2999)) for _ in range(randomness.randint(3, 8))]
    day = date(2026, 1, 1) + timedelta(days=randomness.randint(0, 300))
    options: dict = {'total_word': randomness.choice(WORDS), 'seed': number}
    if kind == 1:
        options.update(angle=randomness.choice((-1, 1)) * randomness.uniform(3, 8), noise=0.02)
    elif kind == 2:
        options.update(angle=randomness.choice((90, 180, 270)))
    elif kind == 3:
        options.update(angle=randomness.uniform(-4, 4), noise=0.05)
    photo = receipt_photo(shop, items, spelled(day, number), **options)
    return KINDS[kind], photo, sum(cents for _, cents in items), day, shop


def main(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix='wis-bench-ocr-'))
    os.environ.update({'API_KEY': 'b' * 32, 'API_KEY_SALT': 'c' * 32, 'STORAGE_SECRET': 'd' * 32})
    os.environ.update({'WIS_CONFIG': str(folder / 'config.env'), 'DATA_DIR': str(folder / 'data')})
    from app.config import load, use_settings

    use_settings(load())
    from app.services import ocr
    from app.services.errors import Invalid

    if not ocr.available():
        sys.exit('Tesseract with its eng and fra data is not installed (apt-get install tesseract-ocr-fra)')
    randomness = random.Random(18)
    results: dict[str, list[tuple[bool, bool, bool, float]]] = {kind: [] for kind in KINDS}
    print(f'load average before: {os.getloadavg()[0]:.1f}')
    for number in range(count):
        kind, photo, total, day, shop = receipt(number, randomness)
        started = time.perf_counter()
        try:
            found = ocr.read_receipt(photo, timezone='Europe/Paris')
            right = (found.total_cents == total, found.date == day, (found.shop or '').lower() == shop.lower())
        except Invalid:
            right = (False, False, False)
        results[kind].append((*right, time.perf_counter() - started))
    print(f'load average after:  {os.getloadavg()[0]:.1f}')
    print(f'{"kind":<24}{"n":>4}{"totals":>9}{"dates":>8}{"shops":>8}{"median s":>10}{"worst s":>9}')
    every = [row for rows in results.values() for row in rows]
    for name, rows in [*results.items(), ('all', every)]:
        if not rows:
            continue
        share = [f'{100 * sum(r[i] for r in rows) / len(rows):.0f}%' for i in range(3)]
        times = [r[3] for r in rows]
        print(f'{name:<24}{len(rows):>4}{share[0]:>9}{share[1]:>8}{share[2]:>8}'
              f'{statistics.median(times):>10.2f}{max(times):>9.2f}')  # fmt: skip


if __name__ == '__main__':
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 24)
