"""Sharing cents in proportion to weights, adding up exactly: the remainder-cent rule of app/services/splits.py
(each part rounded down, the cents left over one each to the parts that lost the most, the first listed
first between equals). Apart from `splits` so that the conversion of a split (app/services/conversion.py)
uses the same rule without importing what splits needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction


def allocate(amount_cents: int, weights: Sequence[Decimal | int | Fraction]) -> list[int]:
    """`amount_cents` shared in proportion to `weights` (all > 0), adding up exactly (the module's rule)."""
    if not weights:
        raise ValueError('no weights')
    exact = [Fraction(w) for w in weights]
    total = sum(exact, Fraction(0))
    parts = [Fraction(amount_cents) * w / total for w in exact]
    floors = [int(p) for p in parts]  # parts are >= 0: int() rounds down
    left = amount_cents - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: (-(parts[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors
