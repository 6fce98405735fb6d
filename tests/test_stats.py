"""The dashboard's figures on hand-built data: boundaries, weeks, cents, sharing, and how they are computed."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from app.db import is_postgres
from app.models import Category, PaymentMethod
from app.services import stats
from app.services.errors import Invalid
from app.services.months import Month
from app.services.stats_periods import average_cents, change, day_label, percent, weeks_of
from app.services.stats_types import Change, Changes, PreviousMonth, SubcategoryShare
from tests.builders import link, make_user
from tests.dialect import foreign_keys_off, inlined, plan_of, statements_of
from tests.stats_data import household, spend

pytestmark = pytest.mark.usefixtures('database')

FEB_2024 = Month(2024, 2)  # a leap year's February: Thursday 1 to Thursday 29


def test_month_boundaries_in_a_leap_february() -> None:
    h = household()
    spend(h.user, 1000, '2024-01-31', h.food, h.groceries, h.card, 'last of January')
    first = spend(h.user, 250, '2024-02-01', h.food, h.groceries, h.card, 'first of February')
    last = spend(h.user, 399, '2024-02-29', h.gifts, None, h.cash, 'leap day')
    spend(h.user, 5000, '2024-03-01', h.transport, h.fuel, h.card, 'first of March')

    data = stats.dashboard(h.user, FEB_2024)
    assert data.stats.total_cents == 649
    assert data.stats.count == 2
    days = data.daily_evolution
    assert len(days) == 29
    assert days[0] == stats.Day(
        date=date(2024, 2, 1),
        day=1,
        total=2.5,
        total_cents=250,
        count=1,
        cumulative=2.5,
        cumulative_cents=250,
    )
    assert days[-1].date == date(2024, 2, 29) and days[-1].total_cents == 399
    assert days[-1].cumulative_cents == 649
    assert [e.id for e in data.top_expenses] == [last.id, first.id]
    assert data.stats.previous == PreviousMonth(
        month='2024-01',
        total=10.0,
        total_cents=1000,
        count=1,
        average=10.0,
        average_cents=1000,
        highest=10.0,
        highest_cents=1000,
    )
    assert len(stats.daily_evolution(h.user, Month(2025, 2))) == 28
    assert len(stats.daily_evolution(h.user, Month(2024, 12))) == 31


def test_weeks_are_iso_weeks_clipped_to_the_month() -> None:
    h = household()
    spend(h.user, 700, '2024-01-29', h.food)  # Monday of ISO week 5, in January: not February's
    spend(h.user, 100, '2024-02-01', h.food)  # Thursday of week 5
    spend(h.user, 200, '2024-02-04', h.food)  # Sunday of week 5
    spend(h.user, 300, '2024-02-05', h.food)  # Monday of week 6
    spend(h.user, 400, '2024-02-29', h.food)  # Thursday of week 9

    weeks = stats.weekly_comparison(h.user, FEB_2024)
    assert [(w.iso_week, w.start.isoformat(), w.end.isoformat(), w.days, w.partial, w.label) for w in weeks] == [
        (5, '2024-02-01', '2024-02-04', 4, True, 'Feb 1–4'),
        (6, '2024-02-05', '2024-02-11', 7, False, 'Week 6'),
        (7, '2024-02-12', '2024-02-18', 7, False, 'Week 7'),
        (8, '2024-02-19', '2024-02-25', 7, False, 'Week 8'),
        (9, '2024-02-26', '2024-02-29', 4, True, 'Feb 26–29'),
    ]
    assert [w.total_cents for w in weeks] == [300, 300, 0, 0, 400]
    assert [w.count for w in weeks] == [2, 1, 0, 0, 1]


def test_weeks_of_months_starting_on_a_monday_or_ending_on_a_monday() -> None:
    # January 2024 starts on a Monday (no partial week at the start) and ends on a Wednesday.
    labels = [w.label for w in weeks_of(Month(2024, 1))]
    assert labels == ['Week 1', 'Week 2', 'Week 3', 'Week 4', 'Jan 29–31']
    # December 2024 starts on a Sunday (a one-day week) and ends on a Tuesday of ISO week 1 of 2025.
    weeks = weeks_of(Month(2024, 12))
    assert weeks[0].label == 'Dec 1' and weeks[0].iso_week == 48
    assert (weeks[-1].iso_year, weeks[-1].iso_week, weeks[-1].label) == (2025, 1, 'Dec 30–31')
    assert sum((w.end - w.start).days + 1 for w in weeks) == 31


def test_cents_add_up_exactly_everywhere() -> None:
    h = household()
    other_method = PaymentMethod.create(owner=h.user, name='Transfer')
    choices = [
        (h.food, h.groceries),
        (h.food, h.restaurants),
        (h.food, None),
        (h.transport, h.fuel),
        (h.gifts, None),
    ]
    rng = random.Random(7)
    amounts = []
    for _ in range(300):
        cents = rng.choice([1, 3, 7, 99, 101, 333, 1999, 100_001, rng.randint(1, 50_000)])
        category, subcategory = rng.choice(choices)
        method = rng.choice([h.card, h.cash, other_method, None])
        spend(h.user, cents, date(2024, 2, rng.randint(1, 29)), category, subcategory, method)
        amounts.append(cents)
    total = sum(amounts)

    data = stats.dashboard(h.user, FEB_2024)
    assert data.stats.total_cents == total
    assert data.stats.total == round(total / 100, 2)
    assert data.stats.count == 300
    assert data.daily_evolution[-1].cumulative_cents == total
    assert sum(d.total_cents for d in data.daily_evolution) == total
    assert sum(w.total_cents for w in data.weekly_comparison) == total
    assert sum(c.total_cents for c in data.category_distribution) == total
    for category in data.category_distribution:
        assert sum(s.total_cents for s in category.subcategories) == category.total_cents
        assert sum(s.count for s in category.subcategories) == category.count
    assert sum(p.total_cents for p in data.payment_method_stats) == total
    assert sum(p.count for p in data.payment_method_stats) == 300
    assert data.year_overview.totals_cents[1] == total
    assert data.year_overview.total_cents == total
    assert [e.amount_cents for e in data.top_expenses] == sorted(amounts, reverse=True)[:5]
    assert data.stats.highest.amount_cents == max(amounts)


def test_average_is_rounded_half_up_to_the_cent() -> None:
    h = household()
    spend(h.user, 1, '2024-02-01', h.food)
    spend(h.user, 2, '2024-02-02', h.food)
    assert stats.summary(h.user, FEB_2024).average_cents == 2  # 1.5 cents -> 2
    spend(h.user, 97, '2024-02-03', h.food)
    assert stats.summary(h.user, FEB_2024).average_cents == 33  # 100 / 3
    assert average_cents(0, 0) == 0


def test_an_empty_month_is_all_zeros_not_an_error() -> None:
    h = household()
    spend(h.user, 1234, '2023-06-15', h.food)  # another year entirely
    data = stats.dashboard(h.user, FEB_2024)
    assert data.stats.total_cents == 0 and data.stats.count == 0
    assert data.stats.average_cents == 0
    assert data.stats.highest is None
    assert data.stats.change.total == Change('same', None)
    assert len(data.daily_evolution) == 29
    assert all(d.total_cents == 0 and d.cumulative_cents == 0 for d in data.daily_evolution)
    assert [w.total_cents for w in data.weekly_comparison] == [0] * 5
    assert data.category_distribution == ()
    assert data.payment_method_stats == ()
    assert data.top_expenses == ()
    assert data.year_overview.total_cents == 0
    assert data.year_overview.categories == ()


def test_a_month_with_one_expense() -> None:
    h = household()
    only = spend(h.user, 4250, '2024-02-14', h.food, h.restaurants, h.card, 'Dinner')
    data = stats.dashboard(h.user, FEB_2024)
    figures = data.stats
    assert (figures.total_cents, figures.count, figures.average_cents) == (4250, 1, 4250)
    assert figures.highest == stats.TopExpense(
        id=only.id,
        date=date(2024, 2, 14),
        amount=42.5,
        amount_cents=4250,
        description='Dinner',
        category_id=h.food.id,
        category='Food',
        subcategory_id=h.restaurants.id,
        subcategory='Restaurants',
        payment_method_id=h.card.id,
        payment_method='Card',
        owner_id=h.user.id,
        owner='',
    )
    assert figures.change.total == Change('up', None)  # nothing in January
    [category] = data.category_distribution
    assert (category.name, category.percent, category.count) == ('Food', 100.0, 1)
    assert [(s.name, s.percent) for s in category.subcategories] == [('Restaurants', 100.0)]
    assert data.payment_method_stats == (
        stats.PaymentShare(
            payment_method_id=h.card.id,
            payment_method_ids=(h.card.id,),
            name='Card',
            total=42.5,
            total_cents=4250,
            count=1,
            percent=100.0,
        ),
    )
    assert [w.total_cents for w in data.weekly_comparison] == [0, 0, 4250, 0, 0]


def test_comparison_with_the_previous_month() -> None:
    h = household()
    spend(h.user, 10000, '2024-01-10', h.food)
    spend(h.user, 2000, '2024-01-20', h.food)
    spend(h.user, 9000, '2024-02-10', h.food)
    figures = stats.summary(h.user, FEB_2024)
    assert figures.change == Changes(
        total=Change('down', -25.0),  # 90 vs 120
        count=Change('down', -50.0),  # 1 vs 2
        average=Change('up', 50.0),  # 90 vs 60
        highest=Change('down', -10.0),  # 90 vs 100
    )
    # January compared with a December of the year before
    assert stats.summary(h.user, Month(2024, 1)).previous.month == '2023-12'


def test_categories_without_subcategories_and_drill_down_parts() -> None:
    h = household()
    spend(h.user, 500, '2024-02-03', h.gifts)
    spend(h.user, 300, '2024-02-04', h.gifts)
    spend(h.user, 1000, '2024-02-05', h.food, h.groceries)
    spend(h.user, 600, '2024-02-06', h.food)
    spend(h.user, 400, '2024-02-07', h.food, h.restaurants)
    categories = stats.category_distribution(h.user, FEB_2024)
    assert [(c.name, c.total_cents, c.percent) for c in categories] == [
        ('Food', 2000, 71.4),
        ('Gifts', 800, 28.6),
    ]
    food, gifts = categories
    assert [(s.name, s.subcategory_id, s.total_cents, s.percent) for s in food.subcategories] == [
        ('Groceries', h.groceries.id, 1000, 50.0),
        (stats.NO_SUBCATEGORY, None, 600, 30.0),
        ('Restaurants', h.restaurants.id, 400, 20.0),
    ]
    assert gifts.subcategories == (
        SubcategoryShare(
            subcategory_id=None,
            subcategory_ids=(),
            name=stats.NO_SUBCATEGORY,
            color='#ec4899',
            total=8.0,
            total_cents=800,
            count=2,
            percent=100.0,
        ),
    )


def test_no_and_deleted_payment_methods_keep_their_amounts() -> None:
    h = household()
    old = PaymentMethod.create(owner=h.user, name='Old card')
    spend(h.user, 1000, '2024-02-03', h.food, payment_method=h.card)
    spend(h.user, 700, '2024-02-04', h.food, payment_method=None)
    spend(h.user, 300, '2024-02-05', h.food, payment_method=old, description='bought with a card since thrown away')
    # A payment method removed behind the foreign key (as data imported from the old JSON files can be).
    with foreign_keys_off():
        PaymentMethod.delete().where(PaymentMethod.id == old.id).execute()

    methods = stats.payment_method_stats(h.user, FEB_2024)
    assert [(m.name, m.payment_method_id, m.total_cents, m.percent) for m in methods] == [
        ('Card', h.card.id, 1000, 50.0),
        (stats.NO_PAYMENT_METHOD, None, 700, 35.0),
        (stats.DELETED_PAYMENT_METHOD, old.id, 300, 15.0),
    ]
    top = stats.top_expenses(h.user, FEB_2024)
    assert [e.payment_method for e in top] == ['Card', stats.NO_PAYMENT_METHOD, stats.DELETED_PAYMENT_METHOD]


def test_linked_users_are_counted_together_and_others_never() -> None:
    alice = household('alice')
    bob = household('bob', admin=False)
    carol = household('carol', admin=False)
    link(alice.user, bob.user)
    spend(alice.user, 1000, '2024-02-03', alice.food, alice.groceries, alice.card)
    spend(bob.user, 2500, '2024-02-04', bob.food, bob.groceries, bob.card, 'Big shop')
    spend(bob.user, 100, '2024-02-05', bob.transport, None, bob.cash)
    spend(carol.user, 99999, '2024-02-06', carol.food, None, carol.card)

    everyone = stats.dashboard(alice.user, FEB_2024)
    assert everyone.stats.total_cents == 3600
    # Each user has a "Food" and a "Card": a household's Food is one slice, shown with alice's own ids.
    food = everyone.category_distribution[0]
    assert (food.name, food.category_id, food.category_ids) == (
        'Food',
        alice.food.id,
        tuple(sorted([alice.food.id, bob.food.id])),
    )
    assert food.subcategories[0].subcategory_ids == tuple(sorted([alice.groceries.id, bob.groceries.id]))
    card = everyone.payment_method_stats[0]
    assert (card.name, card.payment_method_id, card.total_cents) == ('Card', alice.card.id, 3500)
    assert everyone.top_expenses[0].owner == 'bob'
    assert [c.name for c in everyone.year_overview.categories] == ['Food', 'Transport']

    # bob sees the same household from his side, with his own ids
    from_bob = stats.category_distribution(bob.user, FEB_2024)
    assert from_bob[0].category_id == bob.food.id

    mine = stats.dashboard(alice.user, FEB_2024, 'mine')
    assert mine.stats.total_cents == 1000
    assert mine.top_expenses[0].owner == ''
    assert stats.summary(carol.user, FEB_2024).total_cents == 99999
    with pytest.raises(Invalid) as error:
        stats.summary(alice.user, FEB_2024, 'all')
    assert error.value.field == 'scope'


def test_year_overview_stacks_categories_by_month() -> None:
    h = household()
    spend(h.user, 100, '2023-12-31', h.food)  # the year before
    spend(h.user, 1000, '2024-01-01', h.food)
    spend(h.user, 200, '2024-01-31', h.transport)
    spend(h.user, 300, '2024-10-15', h.food, h.groceries)
    spend(h.user, 400, '2024-12-31', h.gifts)
    spend(h.user, 900, '2025-01-01', h.gifts)  # the year after
    year = stats.year_overview(h.user, 2024)
    assert year.months[0] == '2024-01' and year.months[11] == '2024-12'
    assert year.totals_cents == (1200, 0, 0, 0, 0, 0, 0, 0, 0, 300, 0, 400)
    assert [(c.name, c.totals_cents) for c in year.categories] == [
        ('Food', (1000, 0, 0, 0, 0, 0, 0, 0, 0, 300, 0, 0)),
        ('Gifts', (0,) * 11 + (400,)),
        ('Transport', (200,) + (0,) * 11),
    ]


def test_top_expenses_order_and_limit() -> None:
    h = household()
    a = spend(h.user, 500, '2024-02-03', h.food)
    b = spend(h.user, 500, '2024-02-09', h.food)  # same amount, more recent: first
    c = spend(h.user, 900, '2024-02-01', h.food)
    for day in range(10, 20):
        spend(h.user, 10 + day, f'2024-02-{day}', h.food)
    assert [e.id for e in stats.top_expenses(h.user, FEB_2024, 3)] == [c.id, b.id, a.id]
    assert len(stats.top_expenses(h.user, FEB_2024, 100)) == 13
    for bad in (0, 101, -1, True, '5'):
        with pytest.raises(Invalid) as error:
            stats.top_expenses(h.user, FEB_2024, bad)
        assert error.value.field == 'limit'


def _trace(call):
    """Run `call` and return the SELECT statements it sent."""
    return [inlined(sql, params) for sql, params in statements_of(call)]


def test_the_dashboard_is_a_handful_of_queries_whatever_the_rows() -> None:
    h = household()
    bob = household('bob', admin=False)
    link(h.user, bob.user)
    spend(h.user, 100, '2024-02-01', h.food, h.groceries, h.card)
    few = _trace(lambda: stats.dashboard(h.user, FEB_2024))
    for number in range(400):
        day = date(2024, 1, 20) + timedelta(days=number % 60)
        spend(h.user if number % 2 else bob.user, 100 + number, day, h.food, h.groceries, h.card)
    many = _trace(lambda: stats.dashboard(h.user, FEB_2024))
    assert len(many) == len(few) <= 12
    expense_queries = [s for s in many if 'FROM "expense"' in s]
    assert len(expense_queries) == 6
    # every query over expenses aggregates or is limited: no month of rows comes back to Python
    for sql in expense_queries:
        assert 'GROUP BY' in sql or 'LIMIT 5' in sql, sql


@pytest.mark.sqlite_only(reason="SQLite's planner and its covering index; PostgreSQL's chooses by cost and statistics")
def test_aggregates_are_answered_from_the_covering_index() -> None:
    h = household()
    for number in range(50):
        spend(h.user, 100 + number, date(2024, 2, 1 + number % 29), h.food, h.groceries, h.card)
    statements = statements_of(lambda: stats.dashboard(h.user, FEB_2024))
    aggregates = [(s, p) for s, p in statements if 'FROM "expense"' in s and 'GROUP BY' in s]
    assert len(aggregates) == 5
    for sql, params in aggregates:
        plan = plan_of(sql, params)
        assert 'USING COVERING INDEX expense_owner_id_date_amount_cents' in plan, (sql, plan)


def test_deleted_category_row_still_counts() -> None:
    h = household()
    spend(h.user, 800, '2024-02-10', h.gifts)
    gifts_id = h.gifts.id
    with foreign_keys_off():
        Category.delete().where(Category.id == gifts_id).execute()
    [category] = stats.category_distribution(h.user, FEB_2024)
    assert (category.name, category.category_id, category.total_cents) == (
        stats.DELETED_CATEGORY,
        gifts_id,
        800,
    )


def test_percent_and_change_helpers() -> None:
    assert percent(1, 3) == 33.3
    assert percent(5, 0) == 0.0
    assert change(0, 0) == Change('same', None)
    assert change(150, 100) == Change('up', 50.0)
    assert day_label(date(2024, 1, 30), date(2024, 2, 1)) == 'Jan 30–Feb 1'


def test_month_number_sql_per_dialect(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.models import Expense

    monkeypatch.setattr(stats, 'is_postgres', lambda: False)
    query = Expense.select(stats.month_number(Expense.date))
    assert 'substr' in query.sql()[0]
    monkeypatch.setattr(stats, 'is_postgres', lambda: True)
    query = Expense.select(stats.month_number(Expense.date))
    sql, params = query.sql()
    mark = '%s' if is_postgres() else '?'  # the placeholder is the database's, whatever the dialect asked for
    assert f'CAST(date_part({mark}, "t1"."date") AS integer)' in sql and params == ['month']
    make_user('someone')  # the database still answers after the dialect check
