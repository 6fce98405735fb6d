"""Money coming in, in a file of spending (issue 16, item 2): a refund, a credit note, a salary.

An expense here is always spending (a positive amount), so a row of money in is never an expense of its own.
What a person expects of a refund is that the purchase it pays back costs less: with `refunds='deduct'` (the
default) a row of money in is taken off the purchase of the same file it refunds: the same shop (the
description without its digits and the words banks add: `CB`, `REMB`, `AVOIR`, `REFUND`...), dated on or
before it and at most `WINDOW_DAYS` earlier, for at least its amount; the latest such purchase is chosen. A
purchase refunded in full is not imported. Money in that refunds no purchase of the file (a salary, a refund
of something bought before the file begins) is skipped and counted, like every row with `refunds='skip'`.

Nothing already in the account is changed: the deduction happens to the file's rows before they are
compared with the household's expenses, so that the same file imported again finds its purchases at their
reduced amounts (duplicates), and a purchase recorded from an earlier file at its full amount is found too
(then its refund is reported as not deducted, since the expense it would reduce is not the import's to change).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from app.services.import_dedupe import Candidate
from app.services.import_names import fold

WINDOW_DAYS = 120
MODES = ('deduct', 'skip')
_NOT_A_NAME = re.compile(r'[^a-z]+')
# what banks write around a shop's name on a card payment or its refund (English and French, folded)
_BANK_WORDS = frozenset(
    {
        'cb',
        'carte',
        'card',
        'visa',
        'mastercard',
        'debit',
        'credit',
        'achat',
        'paiement',
        'payment',
        'purchase',
        'pos',
        'tpe',
        'sepa',
        'prlv',
        'vir',
        'virement',
        'remb',
        'rembt',
        'remboursement',
        'refund',
        'refunded',
        'return',
        'retour',
        'avoir',
        'annulation',
        'cancel',
        'cancelled',
        'reversal',
        'du',
        'le',
        'la',
        'les',
        'de',
        'des',
        'a',
        'au',
        'the',
        'from',
        'to',
        'on',
    }
)


def shop_key(description: str) -> str:
    """The shop a description names, to pair a refund with its purchase: 'CB CARREFOUR 12/03' and
    'REMB CARREFOUR' are both 'carrefour'."""
    words = _NOT_A_NAME.sub(' ', fold(description)).split()
    return ' '.join(word for word in words if word not in _BANK_WORDS and len(word) > 1)


@dataclass(slots=True)
class Refund:
    """A row of money in: its amount (positive), and the purchase of the file it was taken off, if any."""

    row_number: int
    date: dt.date
    amount_cents: int
    description: str
    purchase: Candidate | None = None
    purchase_before: int = 0  # the purchase's amount before this refund was taken off

    @property
    def deducted(self) -> bool:
        """Taken off a purchase the import brings in (or found already in, at its reduced amount)."""
        return self.purchase is not None and not self.purchase.matched_original


def deduct(purchases: Sequence[Candidate], refunds: Sequence[Refund]) -> None:
    """Take each refund off the purchase it pays back (see the module); purchases keep `original_cents`."""
    by_shop: dict[str, list[Candidate]] = defaultdict(list)
    for purchase in purchases:
        key = shop_key(purchase.description)
        if key:
            by_shop[key].append(purchase)
    for found in by_shop.values():
        found.sort(key=lambda purchase: (purchase.date, purchase.row_number))
    for refund in sorted(refunds, key=lambda refund: (refund.date, refund.row_number)):
        earliest = refund.date - dt.timedelta(days=WINDOW_DAYS)
        for purchase in reversed(by_shop.get(shop_key(refund.description), ())):
            if purchase.date > refund.date:
                continue
            if purchase.date < earliest:
                break
            if purchase.amount_cents >= refund.amount_cents:
                if purchase.original_cents is None:
                    purchase.original_cents = purchase.amount_cents
                refund.purchase, refund.purchase_before = purchase, purchase.amount_cents
                purchase.amount_cents -= refund.amount_cents
                break
