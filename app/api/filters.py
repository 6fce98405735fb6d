"""The filters of GET /sysapi/expenses and of the exports, read in one place (issue 18).

The reference's `month=YYYY-MM` keeps its meaning (absent: this month). When `search`, `from` or `to` is
given without a month, the list covers every month; `month=all` does too. The other filters narrow
whichever period that is. The service (`expense_search.parse_filters`) checks the values: an id the caller
cannot see answers 404, a malformed value or an upside-down range 422 naming the field.
"""

from __future__ import annotations

from fastapi import Depends, Query

from app.api.deps import api_user
from app.api.period import SCOPE_QUERY
from app.models import User
from app.services import clock, expense_search
from app.services.expense_search import ExpenseFilters
from app.services.months import parse_month

_TEXT = 40


def expense_filters(
    month: str = Query(
        '',
        description='YYYY-MM, or all; empty: the current month, or every month with search, from or to',
        max_length=20,
    ),
    scope: str = SCOPE_QUERY,
    search: str = Query(
        '',
        description=(
            'Words (description, place, tags, category, subcategory, payment method, creator; case and accents '
            'ignored, prefixes match), amounts (>50, <10, 12.50, 10..20) and dates (2025, 2025-03, '
            'since:2025-01-01, until:2025-06-30); every term must match. At most 200 characters.'
        ),
        max_length=20_000,
    ),
    date_from: str = Query('', alias='from', description='YYYY-MM-DD: on or after', max_length=_TEXT),
    date_to: str = Query('', alias='to', description='YYYY-MM-DD: on or before', max_length=_TEXT),
    category_id: str = Query(
        '', description='A category (its subcategories included) or a subcategory', max_length=_TEXT
    ),
    payment_method_id: str = Query('', description='A payment method', max_length=_TEXT),
    tag: str = Query('', description='A tag (case and accents ignored)', max_length=200),
    min: str = Query('', description='Amount at least, such as 10.00', max_length=_TEXT),  # noqa: A002 - the API's name
    max: str = Query('', description='Amount at most, such as 20.00', max_length=_TEXT),  # noqa: A002 - the API's name
    created_by: str = Query('', description='The id or the name of a user you share with', max_length=_TEXT),
    has_receipt: str = Query('', description='true: only with a receipt; false: only without', max_length=_TEXT),
    user: User = Depends(api_user),
) -> ExpenseFilters:
    values = {
        'search': search,
        'from': date_from,
        'to': date_to,
        'category_id': category_id,
        'payment_method_id': payment_method_id,
        'tag': tag,
        'min': min,
        'max': max,
        'created_by': created_by,
        'has_receipt': has_receipt,
    }
    wide = any(values[name].strip() for name in ('search', 'from', 'to'))
    text = month.strip()
    every_month = text.lower() == 'all' or (not text and wide)
    chosen = None if every_month else parse_month(text, default=clock.today(user.timezone))
    return expense_search.parse_filters(user, values, month=chosen, scope=scope)
