"""The household's views in French, in a real browser (issue 20, items 3 and 2): camille and mathis are linked,
with French data; camille's 100 € dinner is split equally, mathis paid 30 € of groceries for both, camille has
7 € of her own and mathis 20 € of his. In a French browser camille switches the dashboard between « Ma part »
(50 + 15 + 7), « Ce que j’ai payé » (107) and « Foyer » (157), opens the Household page (mathis owes her 35 €),
records the suggested settlement and sees everyone at zero. Every screen at 1280x800 and 390x844, light and
dark: axe, console, overflow, wrong-language and 390 px checks. WIS_VIEWS_SHOTS=folder keeps the pictures."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from tests.e2e.conftest import run_wizard
from tests.e2e.household import Account
from tests.e2e.household_fr import FRENCH
from tests.e2e.language_checks import too_wide, wrong_language
from tests.e2e.page_checks import PageWatch, drawn, page_problems
from tests.e2e.test_tour import CHARTS_DRAWN, backdrop_contrast, say

SHOTS = os.environ.get('WIS_VIEWS_SHOTS', '')
SCREENS = (((1280, 800), 'light'), ((1280, 800), 'dark'), ((390, 844), 'light'), ((390, 844), 'dark'))
PASSWORD = 'mot de passe du foyer'


def seed(url: str) -> str:
    """camille (an administrator created in French: French presets) and mathis, linked, and their month."""
    day = date.today().replace(day=1).isoformat()
    admin = Account(url, 'admin', 'long enough pw')
    try:
        admin.client.headers.update(FRENCH)
        admin.call('post', '/users/create', json={'username': 'camille', 'password': PASSWORD, 'is_admin': True})
    finally:
        admin.close()
    camille = Account(url, 'camille', PASSWORD)
    try:
        camille.client.headers.update(FRENCH)
        mathis = camille.call('post', '/users/create', json={'username': 'mathis', 'password': PASSWORD})
        camille.call('post', '/users/link', json={'user1': 'camille', 'user2': 'mathis'})
        session = camille.call('get', '/session')
        assert isinstance(mathis, dict) and isinstance(session, dict)
        camille_id, mathis_id = session['user']['id'], mathis['id']
        food = camille.call('get', '/categories')[0]
        method = camille.call('get', '/payment_methods')[0]
        both = {'mode': 'equal', 'members': [camille_id, mathis_id]}
        base = {'date': day, 'category_id': food['id'], 'payment_method_id': method['id']}
        camille.call('post', '/expense_create', json={**base, 'amount': '100', 'description': 'Dîner', 'split': both})
        camille.call(
            'post', '/expense_create', json={**base, 'amount': '30', 'description': 'Marché', 'paid_by': mathis_id,
                                             'split': both}
        )  # fmt: skip
        camille.call('post', '/expense_create', json={**base, 'amount': '7', 'description': 'Café'})
    finally:
        camille.close()
    partner = Account(url, 'mathis', PASSWORD)
    try:
        partner.call('post', '/expense_create', json={**base, 'amount': '20', 'description': 'Passe Navigo'})
    finally:
        partner.close()
    return day[:7]


def checked_everywhere(page, watch: PageWatch, name: str, ready: str, dialog: bool = False) -> None:
    """Every screen: the text `ready` shown, then the checks, then the picture (for a dialog, axe's measure of
    its buttons against the page under the backdrop is left out, as in the tour: `backdrop_contrast`)."""
    page.mouse.move(0, 0)  # no hover tooltip left over from the click (Quasar's grey tooltip: see the report)
    page.locator('.q-tooltip').wait_for(state='detached')
    for (width, height), theme in SCREENS:
        page.set_viewport_size({'width': width, 'height': height})
        page.emulate_media(color_scheme=theme)
        page.get_by_text(ready).first.wait_for()
        drawn(page)
        problems = page_problems(page) + watch.problems() + wrong_language(page, 'fr')
        if width < 500:
            problems += too_wide(page)
        if dialog:
            problems = [line for line in problems if not backdrop_contrast(line)]
        label = f'{name}-{"phone" if width < 500 else "desktop"}-{theme}'
        assert not problems, f'{label}: ' + '\n'.join(problems)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f'{label}.png'), full_page=True)
        watch.reset()
    page.set_viewport_size({'width': 1280, 'height': 800})
    page.emulate_media(color_scheme='light')
    page.get_by_text(ready).first.wait_for()
    drawn(page)


def choose(page, label: str, view: str) -> None:
    """Click a view of the dashboard and see the address take it (the page redraws after a theme change:
    a click that landed on the element being replaced is tried again, at most three times)."""
    for attempt in range(3):
        page.get_by_role('button', name=say('fr', label)).click()
        try:
            page.wait_for_function(f"location.search.includes('view={view}')", timeout=5000)
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: click again
            if attempt == 2:
                raise


def test_views_household_and_settling_up_in_french(browser, server) -> None:
    english = browser.new_context(viewport={'width': 1280, 'height': 800})
    setup = english.new_page()
    setup.set_default_timeout(15_000)
    run_wizard(setup, server)
    english.close()
    month = seed(server.url)
    context = browser.new_context(viewport={'width': 1280, 'height': 800}, locale='fr-FR')
    page = context.new_page()
    page.set_default_timeout(20_000)
    watch = PageWatch(page)
    page.goto(server.url + '/login')
    page.get_by_label(say('fr', 'Username')).fill('camille')
    page.get_by_label(say('fr', 'Password'), exact=True).fill(PASSWORD)
    page.get_by_role('button', name=say('fr', 'Log in')).click()
    page.wait_for_url(server.url + '/')

    page.goto(server.url + f'/?month={month}')
    page.wait_for_function(CHARTS_DRAWN)
    page.get_by_text('157,00\u00a0€').first.wait_for()  # the household
    checked_everywhere(page, watch, 'views-fr-household', '157,00\u00a0€')
    choose(page, 'My share', 'share')
    page.get_by_text('72,00\u00a0€').first.wait_for()  # 50 + 15 + 7
    page.get_by_text(say('fr', '{share} of {whole}', share='50,00\u00a0€', whole='100,00\u00a0€')).wait_for()
    checked_everywhere(page, watch, 'views-fr-share', '72,00\u00a0€')
    choose(page, 'What I paid', 'paid')
    page.get_by_text('107,00\u00a0€').first.wait_for()
    checked_everywhere(page, watch, 'views-fr-paid', '107,00\u00a0€')

    page.goto(server.url + '/household')
    owes = say('fr', '{payer} pays {amount} to {payee}', payer='mathis', amount='35,00\u00a0€', payee='camille')
    page.get_by_text(owes).wait_for()
    assert page.get_by_text('-35,00\u00a0€').is_visible()
    checked_everywhere(page, watch, 'views-fr-household-page', owes)
    page.get_by_role('button', name=say('fr', 'Record'), exact=True).first.click()
    dialog = page.locator('.q-dialog')
    dialog.get_by_text(say('fr', 'A reimbursement between you: it moves the balance and is never counted as spending.'))
    dialog.get_by_label(say('fr', 'Amount'), exact=True).wait_for()
    checked_everywhere(page, watch, 'views-fr-settle-dialog', say('fr', 'Who pays back'), dialog=True)
    dialog.get_by_role('button', name=say('fr', 'Record')).click()
    settled = say('fr', 'Everyone is settled up.')
    page.get_by_text(settled).wait_for()
    paid_back = say('fr', '{payer} paid {payee} back {amount}', payer='mathis', payee='camille', amount='35,00\u00a0€')
    page.get_by_text(paid_back).wait_for()
    assert page.get_by_text('-35,00\u00a0€').count() == 0
    checked_everywhere(page, watch, 'views-fr-settled', settled)

    page.goto(server.url + f'/?month={month}&view=share')  # a settlement is never spending: the share stays
    page.get_by_text('72,00\u00a0€').first.wait_for()
    context.close()
