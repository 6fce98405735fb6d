"""The location block inside the expense dialog of the expenses page, through NiceGUI's simulated user.

The browser's position is simulated with `user.javascript_rules` (the component's script starts with the
/*wis-geolocate*/ tag); a script without a rule would never be answered.
"""

from __future__ import annotations

import re
import threading

import time_machine
from nicegui.testing import User

from app.models import Expense
from app.models import User as Account
from app.services import places, users
from tests.builders import add, basics
from tests.conftest import api_login, make_user
from tests.places_data import BAKERY, SUPERMARKET, east_of
from tests.polling import until
from tests.test_expenses_pages import _table

GEOLOCATE = re.compile(r'/\*wis-geolocate\*/')


@time_machine.travel('2026-01-20 09:00:00', tick=False)
async def test_a_new_expense_gets_the_position_and_the_next_one_the_suggestion(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    users.update_preferences(alice, capture_location=True)
    asked: list[str] = []

    def browser_position(_):
        asked.append('position')
        return {'latitude': BAKERY[0], 'longitude': BAKERY[1], 'accuracy': 9}

    user.javascript_rules[GEOLOCATE] = browser_position
    await api_login(user)
    await user.open('/expenses')

    # the setting is on: opening the form locates at once
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    await user.should_see(f'{BAKERY[0]:.5f}, {BAKERY[1]:.5f} · ±9 m')
    await user.should_see('No known place within 1 km yet.')
    user.find(marker='expense-amount').type('4,20')
    user.find(marker='expense-category').elements.pop().value = t['food'].id
    user.find(marker='expense-subcategory').elements.pop().value = t['restaurants'].id
    user.find(marker='expense-payment-method').elements.pop().value = t['cash'].id
    user.find(marker='place-name').type('Le Comptoir')
    user.find(marker='save-expense').click()
    await user.should_see('Expense added.')
    first = Expense.get()
    assert (first.latitude, first.longitude, first.place) == (BAKERY[0], BAKERY[1], 'Le Comptoir')
    await until(lambda: bool(_table(user).rows) and _table(user).rows[0]['place'] == 'Le Comptoir')  # table refreshed

    # the next expense at the same spot: the place is offered; choosing it sets what is usual there,
    # even over the "last used" choices the form starts from
    await user.should_not_see(marker='expense-dialog')  # saved: closed and gone
    add(alice, t, place='', category_id=t['transport'].id, payment_method_id=t['card'].id)  # the last used
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    await user.should_see('Places near you')
    await user.should_see('here · 1 visit · Food › Restaurants · Cash')
    assert user.find(marker='expense-category').elements.pop().value == t['transport'].id
    user.find(marker='place-suggestion-0').click()
    await user.should_see('known place')
    await until(lambda: user.find(marker='expense-payment-method').elements.pop().value == t['cash'].id)
    assert user.find(marker='expense-category').elements.pop().value == t['food'].id
    assert user.find(marker='expense-subcategory').elements.pop().value == t['restaurants'].id
    assert user.find(marker='place-name').elements.pop().value == 'Le Comptoir'
    user.find(marker='expense-amount').type('12')
    user.find(marker='save-expense').click()
    await user.should_not_see(marker='expense-dialog')  # saved, the table refreshed, then the dialog went
    await until(lambda: Expense.select().count() == 3)
    latest = Expense.select().order_by(Expense.id.desc()).get()
    assert (latest.place, latest.subcategory_id, latest.payment_method_id) == (
        'Le Comptoir',
        t['restaurants'].id,
        t['cash'].id,
    )
    assert (latest.latitude, latest.longitude) == (BAKERY[0], BAKERY[1])
    assert asked == ['position', 'position']


@time_machine.travel('2026-01-20 09:00:00', tick=False)
async def test_editing_keeps_the_position_and_never_asks_the_browser(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    users.update_preferences(alice, capture_location=True)
    expense = add(alice, t, latitude=SUPERMARKET[0], longitude=SUPERMARKET[1], place='Carrefour Market')
    asked: list[str] = []
    user.javascript_rules[GEOLOCATE] = lambda _: asked.append('position') or {'error': 'denied'}
    await api_login(user)
    await user.open('/expenses?month=2026-01')
    user.find(marker='expenses-table').trigger('edit', _table(user).rows[0])
    await user.should_see('Edit the expense')
    await user.should_see(f'{SUPERMARKET[0]:.5f}, {SUPERMARKET[1]:.5f}')
    assert user.find(marker='place-name').elements.pop().value == 'Carrefour Market'

    # moved by hand on the map, then saved; the place name stays
    user.find(marker='location-pick').click()
    await user.should_see(marker='location-map')
    target = east_of(SUPERMARKET, 40)
    user.find(marker='location-map').trigger('mapClick', {'latlng': {'lat': target[0], 'lng': target[1]}})
    await user.should_see('set on the map')
    user.find(marker='save-expense').click()
    await until(lambda: abs(Expense.get_by_id(expense.id).longitude - target[1]) < 1e-6)
    saved = Expense.get_by_id(expense.id)
    assert (round(saved.latitude, 6), round(saved.longitude, 6)) == (round(target[0], 6), round(target[1], 6))
    assert saved.place == 'Carrefour Market'
    assert asked == []
    await user.should_not_see(marker='expense-dialog')  # saved: closed and gone

    # cleared, then saved: the expense loses its position
    user.find(marker='expenses-table').trigger('edit', _table(user).rows[0])
    await user.should_see('Edit the expense')
    user.find(marker='location-clear').click()
    await user.should_see('No position')
    user.find(marker='save-expense').click()
    await user.should_not_see(marker='expense-dialog')
    await until(lambda: Expense.get_by_id(expense.id).latitude is None)
    cleared = Expense.get_by_id(expense.id)
    assert (cleared.latitude, cleared.longitude) == (None, None)
    assert Account.get_by_id(alice.id).capture_location is True


@time_machine.travel('2026-01-20 09:00:00', tick=False)
async def test_saving_while_the_suggestions_load_is_quiet(user: User, monkeypatch) -> None:
    """The block keeps loading in the background after Save closed and deleted the dialog: what it finds
    then is dropped, without an error and without a message in a dialog that no longer exists."""
    alice = make_user('alice')
    t = basics(alice)
    add(alice, t, latitude=BAKERY[0], longitude=BAKERY[1], place='Le Comptoir')
    release, asked, answered = threading.Event(), threading.Event(), threading.Event()
    real_suggest = places.suggest_places

    def slow_suggest(*args, **kwargs):
        asked.set()
        release.wait(5)
        try:
            return real_suggest(*args, **kwargs)
        finally:
            answered.set()

    monkeypatch.setattr(places, 'suggest_places', slow_suggest)
    await api_login(user)
    await user.open('/expenses?month=2026-01')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    await until(asked.is_set)  # the suggestions are on their way
    user.find(marker='expense-amount').type('3')
    user.find(marker='save-expense').click()
    await user.should_see('Expense added.')
    await user.should_not_see(marker='expense-dialog')
    release.set()
    await until(answered.is_set)
    await until(lambda: len(_table(user).rows) == 2)
    await user.should_not_see('Frequent places')  # nothing rendered into the deleted dialog
