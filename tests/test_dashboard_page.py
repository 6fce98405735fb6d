"""The dashboard page through NiceGUI's simulated user: figures, charts, drill-down, months, dark mode."""

from __future__ import annotations

import asyncio

import time_machine
from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from app.models import User as Account
from app.pages.components import dashboard_widgets as widgets
from tests.conftest import api_login
from tests.stats_data import household, spend


def sample():
    h = household('alice')
    spend(h.user, 1250, '2024-02-01', h.food, h.groceries, h.card, 'Bread')
    spend(h.user, 2000, '2024-02-10', h.food, h.restaurants, h.card, 'Dinner')
    spend(h.user, 999, '2024-02-29', h.gifts, None, h.cash, 'Flowers')
    spend(h.user, 5000, '2024-01-31', h.transport, h.fuel, h.cash, 'Fuel')
    return h


def chart(user: User, marker: str) -> ui.echart:
    [element] = user.find(marker=marker).elements
    return element


async def until(check) -> bool:
    """Yield to the event loop until `check()` holds: NiceGUI runs an unawaited refresh as a task."""
    for _ in range(500):
        if check():
            return True
        await asyncio.sleep(0)
    return check()


def text_of(user: User, marker: str) -> str:
    [element] = user.find(marker=marker).elements
    return element.text


async def test_key_figures_in_the_users_currency_and_locale(user: User) -> None:
    sample()
    await api_login(user)
    await user.open('/?month=2024-02')
    await user.should_see('February 2024')
    assert text_of(user, 'figure-total-value') == '42,49\u00a0€'
    assert text_of(user, 'figure-count-value') == '3'
    assert text_of(user, 'figure-average-value') == '14,16\u00a0€'
    assert text_of(user, 'figure-highest-value') == '20,00\u00a0€'
    assert text_of(user, 'figure-highest-caption') == 'Dinner · Feb 10'
    assert text_of(user, 'figure-total-change') == '▼ 15 % vs January'
    assert text_of(user, 'figure-count-change') == '▲ 200 % vs January'
    for expense_marker in ('top-expense-2', 'top-expense-1', 'top-expense-3'):
        await user.should_see(marker=expense_marker)
    await user.should_not_see(marker='top-expense-4')  # January's


async def test_money_follows_the_users_preferences(user: User) -> None:
    h = sample()
    Account.update(currency='USD', locale='en-US').where(Account.id == h.user.id).execute()
    await api_login(user)
    await user.open('/?month=2024-02')
    assert text_of(user, 'figure-total-value') == '$42.49'
    weekly = chart(user, 'chart-weekly').options['series'][0]['data']
    assert [point['text'] for point in weekly] == ['$12.50', '$20.00', '$0.00', '$0.00', '$9.99']


async def test_charts_carry_the_months_figures(user: User) -> None:
    sample()
    await api_login(user)
    await user.open('/?month=2024-02')
    daily = chart(user, 'chart-daily').options
    assert len(daily['xAxis']['data']) == 29 and daily['xAxis']['data'][0] == 'Feb 1'
    per_day, running = daily['series']
    assert per_day['data'][0] == {'value': 12.5, 'text': '12,50\u00a0€'}
    assert running['data'][-1] == {'value': 42.49, 'text': '42,49\u00a0€'}
    weekly = chart(user, 'chart-weekly').options
    assert weekly['xAxis']['data'] == ['Feb 1–4', 'Week 6', 'Week 7', 'Week 8', 'Feb 26–29']
    payment = chart(user, 'chart-payment-methods').options
    assert payment['yAxis']['data'] == ['Cash', 'Card']  # drawn bottom-up: the largest on top
    year = chart(user, 'chart-year').options
    assert [s['name'] for s in year['series']] == ['Transport', 'Food', 'Gifts']
    assert year['series'][0]['stack'] == 'month'
    donut = chart(user, 'chart-categories').options
    assert [d['name'] for d in donut['series'][0]['data']] == ['Food', 'Gifts']
    assert donut['title']['text'] == '42,49\u00a0€'


async def test_category_drill_down_and_back(user: User) -> None:
    h = sample()
    await api_login(user)
    await user.open('/?month=2024-02')
    user.find(marker=f'category-row-{h.food.id}').click()
    await user.should_see('Food by subcategory')
    donut = chart(user, 'chart-categories').options
    assert [d['name'] for d in donut['series'][0]['data']] == ['Restaurants', 'Groceries']
    assert donut['title']['text'] == '32,50\u00a0€'
    await user.should_see(marker=f'subcategory-row-{h.restaurants.id}')
    user.find(marker='category-back').click()
    await user.should_see('By category')
    await user.should_not_see(marker='category-back')

    # a click on the donut's slice drills down too (Gifts has no subcategory: one "without" part)
    chart(user, 'chart-categories')
    user.find(marker='chart-categories').trigger(
        'componentClick',
        {
            'componentType': 'series',
            'seriesType': 'pie',
            'seriesIndex': 0,
            'seriesName': '',
            'name': 'Gifts',
            'dataIndex': 1,
            'data': {},
            'dataType': None,
            'value': 9.99,
        },
    )
    await user.should_see('Gifts by subcategory')
    await user.should_see(marker='subcategory-row-none')


async def test_month_picker_moves_and_empty_months_are_friendly(user: User) -> None:
    sample()
    await api_login(user)
    await user.open('/?month=2024-02')
    user.find(marker='month-previous').click()
    await user.should_see('January 2024')
    assert text_of(user, 'figure-total-value') == '50,00\u00a0€'
    user.find(marker='month-previous').click()
    await user.should_see('December 2023')
    await user.should_see(marker='dashboard-empty')
    await user.should_see('Nothing spent in December 2023')
    await user.should_not_see(marker='chart-daily')
    await user.should_not_see(marker='chart-year')  # nothing in all of 2023 either
    user.find(marker='month-next').click()
    await user.should_see('January 2024')
    user.find(marker='month-next').click()
    await user.should_see('February 2024')
    await user.should_see(marker='chart-daily')


async def test_year_chart_opens_a_month(user: User) -> None:
    sample()
    await api_login(user)
    await user.open('/?month=2024-02')
    user.find(marker='chart-year').trigger(
        'componentClick',
        {
            'componentType': 'series',
            'seriesType': 'bar',
            'seriesIndex': 0,
            'seriesName': 'Transport',
            'name': 'Jan',
            'dataIndex': 0,
            'data': {},
            'dataType': None,
            'value': 50,
        },
    )
    await user.should_see('January 2024')
    assert text_of(user, 'figure-total-value') == '50,00\u00a0€'


async def test_default_month_and_a_bad_month_in_the_address(user: User) -> None:
    sample()
    await api_login(user)
    with time_machine.travel('2024-02-20 10:00:00', tick=False):
        await user.open('/')
        await user.should_see('February 2024')
        await user.open('/?month=2024-99')
        await user.should_see('is not a month between')
        await user.should_see('February 2024')


async def test_a_new_user_sees_the_empty_state(user: User) -> None:
    household('alice')
    await api_login(user)
    await user.open('/?month=2024-02')
    await user.should_see(marker='dashboard-empty')
    user.find(marker='dashboard-add-expense').click()
    await user.should_see(marker='page-title')


async def test_charts_follow_dark_mode(user: User) -> None:
    sample()
    await api_login(user)
    await user.open('/?month=2024-02')
    light = widgets.Palette.of(False)
    dark = widgets.Palette.of(True)
    assert chart(user, 'chart-daily').options['textStyle']['color'] == light.text
    UserInteraction(user, {user.client.layout}, None).trigger('wis_dark', True)
    assert await until(lambda: chart(user, 'chart-daily').options['textStyle']['color'] == dark.text)
    assert chart(user, 'chart-year').options['legend']['textStyle']['color'] == dark.text
    assert chart(user, 'chart-weekly').options['yAxis']['splitLine']['lineStyle']['color'] == dark.grid
    UserInteraction(user, {user.client.layout}, None).trigger('wis_dark', False)
    assert await until(lambda: chart(user, 'chart-daily').options['textStyle']['color'] == light.text)


def test_option_builders_for_empty_and_odd_inputs() -> None:
    formats = widgets.Formats('EUR', 'fr-FR')
    assert formats.percent(12.5) == '12,5\u00a0%'
    assert widgets.Formats('USD', 'en-US').percent(12.5) == '12.5\u00a0%'
    assert '"fr-FR"' in formats.axis_formatter()
    options = widgets.payment_options([], formats, dark=True)
    assert options['series'][0]['data'] == []
    assert widgets.change_text({'direction': 'up', 'percent': None}, 'March') == 'nothing in March'
    assert widgets.change_text({'direction': 'same', 'percent': 0.0}, 'March') == 'same as March'
    assert widgets.change_text({'direction': 'down', 'percent': -12.4}, 'March') == '▼ 12 % vs March'


async def test_linked_accounts_can_show_only_their_own_spending(user: User) -> None:
    from app.services import links

    h = sample()  # alice: 42,49 € in February 2024
    b = household('bob')
    spend(b.user, 10000, '2024-02-15', b.food, b.groceries, b.card, "Bob's shopping")
    await api_login(user)
    await user.open('/?month=2024-02')
    await user.should_not_see(marker='dashboard-scope')  # not linked yet: nothing to choose
    links.link_users(None, h.user.username, 'bob')
    await user.open('/?month=2024-02')
    assert text_of(user, 'figure-total-value') == '142,49\u00a0€'
    [toggle] = user.find(marker='dashboard-scope').elements
    toggle.value = 'mine'
    for _ in range(500):  # the figures are read in a worker thread: wait for them, at most 5 s
        if text_of(user, 'figure-total-value') == '42,49\u00a0€':
            break
        await asyncio.sleep(0.01)
    assert text_of(user, 'figure-total-value') == '42,49\u00a0€'
