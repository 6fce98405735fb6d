"""The dashboard in a real Chromium against a real server with seeded data."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bench import seed
from bench.browser import CHARTS_DRAWN, log_in
from tests.e2e.harness import make_server

MONTH = '2026-09'
TEXT_COLOR = """el => getElement(el).chart.getOption().textStyle[0] ?
    getElement(el).chart.getOption().textStyle[0].color : getElement(el).chart.getOption().textStyle.color"""


@pytest.fixture
def seeded_server(tmp_path: Path):
    server = make_server(tmp_path / 'server')
    database = server.env['DATABASE_URL'].removeprefix('sqlite:///')  # a file, or PostgreSQL's URL on that run
    seed.main(['--database', database, '--users', '2', '--expenses', '3000', '--years', '1'])
    server.start()
    yield server
    server.stop()


def open_dashboard(page, server) -> float:
    log_in(page, server.url, 'bench1', seed.DEFAULT_PASSWORD)
    started = time.perf_counter()
    page.goto(f'{server.url}/?month={MONTH}')
    page.wait_for_function(CHARTS_DRAWN)
    return time.perf_counter() - started


def test_dashboard_draws_its_charts_and_drills_down(page, seeded_server) -> None:
    elapsed = open_dashboard(page, seeded_server)
    assert elapsed < 5, f'the charts took {elapsed:.2f} s'  # bench/dashboard.py measures it properly
    page.get_by_text('September 2026').first.wait_for()
    for title in ('Total spent', 'Day by day', 'By category', 'Week by week', 'By payment method', 'Top 5 expenses'):
        page.get_by_text(title, exact=True).first.wait_for()
    page.get_by_text('2026 month by month').wait_for()
    assert page.locator('.nicegui-echart canvas').count() == 5  # day, category, week, payment method, year
    assert '€' in page.locator('.q-card', has_text='Total spent').inner_text()
    assert 'vs August' in page.locator('.q-card', has_text='Total spent').inner_text()  # words in the UI's language

    # drill into the largest category, then come back
    categories = page.locator('.q-card', has_text='By category')
    first_row = categories.locator('.cursor-pointer').first
    name = first_row.inner_text().split('\n')[0]
    first_row.click()
    page.get_by_text(f'{name} by subcategory').wait_for()
    page.get_by_role('button', name='All categories').click()
    page.get_by_text('By category', exact=True).wait_for()

    # the month picker moves the whole page, and the address follows
    page.get_by_role('button', name='Previous month').click()
    page.get_by_text('August 2026').first.wait_for()
    page.wait_for_url('**/?month=2026-08')


def test_dashboard_follows_dark_mode_and_fits_a_phone(browser, seeded_server) -> None:
    context = browser.new_context(viewport={'width': 390, 'height': 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        open_dashboard(page, seeded_server)
        chart = page.locator('.q-card', has_text='Day by day').locator('.nicegui-echart')
        light = chart.evaluate(TEXT_COLOR)
        page.locator('.q-header button').filter(has_text='dark_mode').click()
        page.wait_for_function("document.body.classList.contains('body--dark')")
        page.wait_for_function(
            """() => { try {
                 const el = [...document.querySelectorAll('.q-card')]
                   .find(c => c.innerText.includes('Day by day')).querySelector('.nicegui-echart');
                 const o = getElement(el).chart.getOption();
                 const t = Array.isArray(o.textStyle) ? o.textStyle[0] : o.textStyle;
                 return t.color === '#e2e8f0';
               } catch (e) { return false; } }"""  # while the charts are redrawn
        )
        assert light == '#1e293b'
        # nothing wider than the phone: no sideways scrolling
        assert page.evaluate('document.documentElement.scrollWidth') <= 390
        # the year chart's legend is whole: every category's name inside the screen, none cut or paged
        legend = page.locator('.q-card', has_text='month by month').locator('.q-btn')
        assert legend.count() >= 2
        for box in (legend.nth(i).bounding_box() for i in range(legend.count())):
            assert box is not None and box['x'] >= 0 and box['x'] + box['width'] <= 390
    finally:
        context.close()
