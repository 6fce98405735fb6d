"""The dashboard page through NiceGUI's simulated user: figures, charts, drill-down, months, dark mode.

Time is frozen in March 2024 (the `frozen` fixture) so that which dates carry their year never depends
on when the tests run; February 2024 is then a past month of the current year.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from app.models import User as Account
from app.pages.components import dashboard_cards as cards
from app.pages.components import dashboard_widgets as widgets
from app.pages.components.chart_colors import shades
from app.services.stats import CategoryShare, PaymentShare, YearOverview
from app.services.stats_types import Change, YearCategory
from tests.conftest import api_login
from tests.polling import until
from tests.stats_data import household, spend


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel('2024-03-05 10:00:00', tick=False):
        yield


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
    assert text_of(user, 'figure-highest-caption') == 'Dinner · 10 Feb'
    assert text_of(user, 'figure-total-change') == '▼ 15% vs January'
    assert text_of(user, 'figure-count-change') == '▲ 200% vs January'
    [total_change] = user.find(marker='figure-total-change').elements
    assert 'text-positive' in total_change.classes  # less spent than in January
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
    labels = chart(user, 'chart-weekly').options['xAxis']['data']
    assert labels[0] == 'Feb 1\u2009–\u20094' and labels[-1] == 'Feb 26\u2009–\u200929'
    assert chart(user, 'chart-daily').options['xAxis']['data'][:2] == ['Feb 1', 'Feb 2']
    assert chart(user, 'chart-year').options['xAxis']['data'][:3] == ['Jan', 'Feb', 'Mar']
    assert text_of(user, 'figure-highest-caption') == 'Dinner · Feb 10'
    assert text_of(user, 'figure-total-change') == '▼ 15% vs January'
    await user.should_see('76.5%')  # Food's share of the month, in the category list


async def test_charts_carry_the_months_figures(user: User) -> None:
    sample()
    await api_login(user)
    await user.open('/?month=2024-02')
    daily = chart(user, 'chart-daily').options
    assert len(daily['xAxis']['data']) == 29 and daily['xAxis']['data'][0] == '1 Feb'  # a past month: whole
    per_day, running = daily['series']
    assert per_day['data'][0]['value'] == 12.5 and '<b>12,50\u00a0€</b>' in per_day['data'][0]['tip']
    assert per_day['data'][0]['head'] == '1 February'
    assert running['data'][-1]['value'] == 42.49 and '<b>42,49\u00a0€</b>' in running['data'][-1]['tip']
    # per day as bars against the left axis, the running total as an area against its own, named, right axis
    assert (per_day['type'], running['type'], running['yAxisIndex']) == ('bar', 'line', 1)
    assert 'areaStyle' in running
    left, right = daily['yAxis']
    assert (left['name'], left['position'], right['name'], right['position']) == (
        'Per day',
        'left',
        'Running total',
        'right',
    )
    assert left['axisLabel']['color'] == per_day['color'] and right['axisLabel']['color'] == running['color']
    weekly = chart(user, 'chart-weekly').options
    assert weekly['xAxis']['data'] == ['1–4 Feb', '5–11 Feb', '12–18 Feb', '19–25 Feb', '26–29 Feb']
    payment = chart(user, 'chart-payment-methods').options
    assert payment['yAxis']['data'] == ['Cash', 'Card']  # drawn bottom-up: the largest on top
    year = chart(user, 'chart-year').options
    assert [s['name'] for s in year['series']] == ['Transport', 'Food', 'Gifts']
    assert year['series'][0]['stack'] == 'month'
    assert year['xAxis']['data'][:2] == ['Jan', 'Feb']
    assert year['series'][0]['data'][0]['head'] == 'January 2024 · <b>50,00\u00a0€</b>'
    # the legend is wrapping text under the chart, whole at any width, not a paged canvas legend
    assert year['legend'] == {'show': False}
    legend = user.find(marker='year-legend').elements.pop()
    assert [label.text for label in legend.descendants() if isinstance(label, ui.label)] == [
        'Transport',
        'Food',
        'Gifts',
    ]
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
    # each subcategory in its own shade of Food's colour
    colors = [d['itemStyle']['color'] for d in donut['series'][0]['data']]
    assert colors == shades(h.food.color, 2) and len(set(colors)) == 2
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
    await user.should_see('January 2024')  # the picker's label moves first; the figures once they are read
    await until(lambda: text_of(user, 'figure-total-value') == '50,00\u00a0€')
    # compared with a month without spending: said plainly, in a neutral tone (not the red of "more")
    assert text_of(user, 'figure-total-change') == 'nothing in December'
    [total_change] = user.find(marker='figure-total-change').elements
    assert 'text-negative' not in total_change.classes and 'opacity-70' in total_change.classes
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
    await user.should_see('January 2024')  # the picker's label moves first; the figures once they are read
    await until(lambda: text_of(user, 'figure-total-value') == '50,00\u00a0€')


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
    await until(lambda: chart(user, 'chart-daily').options['textStyle']['color'] == dark.text)
    assert chart(user, 'chart-year').options['xAxis']['axisLabel']['color'] == dark.muted
    assert chart(user, 'chart-weekly').options['yAxis']['splitLine']['lineStyle']['color'] == dark.grid
    UserInteraction(user, {user.client.layout}, None).trigger('wis_dark', False)
    await until(lambda: chart(user, 'chart-daily').options['textStyle']['color'] == light.text)


def test_option_builders_for_empty_and_odd_inputs() -> None:
    formats = widgets.Formats('EUR', 'fr-FR')
    assert formats.percent(12.5) == '12,5\u00a0%'
    english = widgets.Formats('USD', 'en-US')
    assert english.percent(12.5) == '12.5%'
    assert '"fr-FR"' in formats.axis_formatter()
    options = widgets.payment_options([], formats, dark=True)
    assert options['series'][0]['data'] == []
    assert widgets.daily_options([], formats, dark=False)['series'][0]['data'] == []
    assert cards.change_text(Change('up', None), 'March', english) == 'nothing in March'
    assert cards.change_tone(Change('up', None), spending=True) == 'opacity-70'
    assert cards.change_tone(Change('up', 20.0), spending=True) == 'text-negative'
    assert cards.change_text(Change('same', 0.0), 'March', english) == 'same as March'
    assert cards.change_text(Change('down', -12.4), 'March', english) == '▼ 12% vs March'
    assert cards.change_text(Change('down', -12.4), 'mars', formats) == '▼ 12\u00a0% vs mars'


def test_tooltips_carry_names_as_text_never_html() -> None:
    formats = widgets.Formats('EUR', 'fr-FR')
    evil = '<img src=x onerror=window.__xss=1>'
    share = {'name': evil, 'total': 1.0, 'total_cents': 100, 'count': 1, 'percent': 100.0}
    slices = [CategoryShare(category_id=1, category_ids=(1,), color='"><script>', subcategories=(), **share)]
    donut = widgets.donut_options(slices, '1,00 €', 'this month', formats, dark=False)
    [item] = donut['series'][0]['data']
    assert '<img' not in item['tip'] and '&lt;img src=x onerror=window.__xss=1&gt;' in item['tip']
    assert '<script>' not in item['tip'] and item['itemStyle']['color'] == '#94a3b8'  # not a colour: grey
    methods = [PaymentShare(payment_method_id=1, payment_method_ids=(1,), **share)]
    assert '<img' not in widgets.payment_options(methods, formats, dark=False)['series'][0]['data'][0]['tip']
    cents = (100,) + (0,) * 11
    amounts = (1.0,) + (0.0,) * 11
    category = YearCategory(
        category_id=1,
        category_ids=(1,),
        name=evil,
        color='#f59e0b',
        totals=amounts,
        totals_cents=cents,
        total_cents=100,
    )
    months = tuple(f'2024-{m:02d}' for m in range(1, 13))
    year = YearOverview(
        year=2024, months=months, totals=amounts, totals_cents=cents, total_cents=100, categories=(category,)
    )
    options = widgets.year_options(year, formats, dark=True)
    assert '<img' not in options['series'][0]['data'][0]['tip']
    # the formatters only join what Python escaped: no name, series name or axis label is read in JavaScript
    for formatter in (widgets.AXIS_TOOLTIP, widgets.ITEM_TOOLTIP, options['tooltip'][':formatter']):
        assert 'seriesName' not in formatter and '.name' not in formatter and 'axisValueLabel' not in formatter


async def test_the_current_month_stops_at_today(user: User) -> None:
    h = sample()
    spend(h.user, 700, '2024-03-01', h.food, h.groceries, h.card, 'Market')
    spend(h.user, 300, '2024-03-04', h.food, h.groceries, h.card, 'Bakery')
    await api_login(user)
    await user.open('/?month=2024-03')  # today is Tuesday 5 March 2024
    await user.should_see('March 2024')
    daily = chart(user, 'chart-daily').options
    assert daily['xAxis']['data'] == ['1 Mar', '2 Mar', '3 Mar', '4 Mar', '5 Mar']
    assert [p['value'] for p in daily['series'][1]['data']] == [7.0, 7.0, 7.0, 10.0, 10.0]
    weekly = chart(user, 'chart-weekly').options
    assert weekly['xAxis']['data'] == ['1–3 Mar', '4–5 Mar']
    assert [p['text'] for p in weekly['series'][0]['data']] == ['7,00\u00a0€', '3,00\u00a0€']


async def test_a_refused_load_is_shown_and_the_page_keeps_working(user: User, monkeypatch) -> None:
    from app.services import stats
    from app.services.errors import Invalid

    sample()
    await api_login(user)
    await user.open('/?month=2024-02')
    await user.should_see(marker='chart-daily')

    def refuse(*args, **kwargs):
        raise Invalid('The figures cannot be read right now; try again in a moment.')

    monkeypatch.setattr(stats, 'dashboard', refuse)
    user.find(marker='month-previous').click()
    await user.should_see('The figures cannot be read right now; try again in a moment.')


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
    await until(lambda: text_of(user, 'figure-total-value') == '42,49\u00a0€')  # read in a worker thread
