"""The daily pages in French: the frame, the dashboard (cards, charts, tooltips), the expenses page and its
form (the far-ahead question included), and the catalogue holding a French text for each of their strings.

How a test gets a French page: `speak_french` gives the account `language = 'fr'` (the setting core's
migration v0008 adds; the guard then builds the page and runs its events in French) and the browser's
Accept-Language. Before that column and the guard's plumbing exist, it also sets the current language in
the test's own context, which NiceGUI's simulated user carries into the page build and its events (they
run in the test's task): the pages' `_()` calls are tested either way.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from nicegui import ui
from nicegui.testing import User

from app import i18n
from app.models import User as Account
from app.pages.components import dashboard_cards as cards
from app.pages.components import dashboard_widgets as widgets
from app.pages.components.location import distance_text, visits_text
from app.services.stats_types import Change
from tests.conftest import api_login
from tests.page_steps import one, open_page
from tests.stats_data import household, spend

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / 'app' / 'locale' / 'fr' / 'LC_MESSAGES' / 'messages.po'
KEYWORDS = {'_': None, 'gettext': None, 'N_': None, 'ngettext': (1, 2), 'Message': None, 'Plural': (1, 2)}
# the daily-use pages and their components (issue 15, helper "pages")
DAILY = [
    'app/pages/frame.py',
    'app/pages/dashboard.py',
    'app/pages/expenses.py',
    'app/pages/map_page.py',
    'app/pages/categories.py',
    'app/pages/payment_methods.py',
    'app/pages/components/dashboard_cards.py',
    'app/pages/components/dashboard_widgets.py',
    'app/pages/components/expense_dialog.py',
    'app/pages/components/month_picker.py',
    'app/pages/components/location.py',
    'app/pages/components/move_dialog.py',
    'app/pages/components/named_items.py',
    'app/pages/components/icon_picker.py',
    'app/pages/components/undo_notification.py',
    'app/pages/components/currency_note.py',
    'app/pages/components/code_block.py',
    'app/services/icons.py',
    'app/services/stats.py',
]
NBSP = '\u00a0'


def speak_french(user: User, account: Account) -> None:
    """The simulated user's pages in French, as the account's setting (once it exists) and the browser say."""
    user.http_client.headers['Accept-Language'] = 'fr'
    if 'language' in Account._meta.fields:  # core's User.language (migration v0008)
        Account.update(language='fr').where(Account.id == account.id).execute()
    i18n.set_language('fr')  # this test's task only: its context ends with the test


def texts(user: User) -> str:
    """Every label's text on the page, for an assertion that lists what it expects."""
    return ' | '.join(element.text for element in user.find(ui.label).elements)


# --- the catalogue ---------------------------------------------------------------------------------------


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r'\{(\w+)\}', text))


def test_every_string_of_the_daily_pages_is_in_french() -> None:
    with CATALOGUE.open('rb') as source:
        catalogue = read_po(source, locale='fr')
    problems = []
    for path in DAILY:
        for line, msgid, _comments, _context in extract_from_file('python', ROOT / path, keywords=KEYWORDS):
            key = msgid[0] if isinstance(msgid, tuple) else msgid
            entry = catalogue.get(key)
            strings = (entry.string if isinstance(entry.string, tuple) else (entry.string,)) if entry else ()
            if entry is None or entry.fuzzy or not all(strings):
                problems.append(f'{path}:{line}: not translated: {key!r}')
                continue
            wanted = _placeholders(msgid[-1] if isinstance(msgid, tuple) else msgid)
            problems += [
                f'{path}:{line}: placeholders {sorted(_placeholders(s))} in {s!r}, not {sorted(wanted)}'
                for s in strings
                if not _placeholders(s) <= wanted | {'n'}
            ]
    assert problems == []


def test_french_punctuation_in_the_daily_catalogue() -> None:
    """A non-breaking space before ; : ? ! and inside « »; never a straight ASCII quote pair around a name."""
    with CATALOGUE.open('rb') as source:
        catalogue = read_po(source, locale='fr')
    bad = []
    for entry in catalogue:
        for text in entry.string if isinstance(entry.string, tuple) else (entry.string,):
            if not entry.id or not text:
                continue
            text = text.replace('Authorization: Bearer', '')  # an HTTP header, typed exactly as it is
            text = re.sub(r'\{[^{}]*\}', 'x', text)  # placeholders and JSON examples are code, not French prose
            if re.search(r'[^\u00a0\u202f][;:?!](\s|$)', text) or re.search(r'«[^\u00a0]|[^\u00a0]»', text):
                bad.append(text)
    assert bad == []


def test_counts_use_the_french_plural_rule() -> None:
    with i18n.use_language('fr'):
        assert [widgets.expenses_text(n) for n in (0, 1, 2, 12)] == [
            '0 dépense',
            '1 dépense',
            '2 dépenses',
            '12 dépenses',
        ]
        assert (visits_text(1), visits_text(3)) == ('1 visite', '3 visites')
        assert (distance_text(10), distance_text(1234, 'fr-FR')) == ('ici', '1,2 km')
    assert widgets.expenses_text(0) == '0 expenses'  # English counts 0 as plural


def test_change_of_a_key_figure_in_french() -> None:
    formats = widgets.Formats('EUR', 'fr-FR', date(2024, 3, 5))
    with i18n.use_language('fr'):
        assert cards.change_text(Change('up', 12.4), 'janvier', formats) == f'▲ 12{NBSP}% par rapport à janvier'
        assert cards.change_text(Change('up', None), 'janvier', formats) == 'rien en janvier'
        assert cards.change_text(Change('same', 0.0), 'janvier', formats) == 'autant qu’en janvier'
    assert cards.change_text(Change('up', 12.4), 'January', formats) == f'▲ 12{NBSP}% vs January'


# --- pages -----------------------------------------------------------------------------------------------


@pytest.fixture
def march_2024():
    with time_machine.travel('2024-03-05 10:00:00', tick=False):
        yield


@pytest.mark.usefixtures('march_2024')
async def test_the_dashboard_in_french(user: User) -> None:
    h = household('alice')
    spend(h.user, 1250, '2024-02-01', h.food, h.groceries, h.card, 'Bread')
    spend(h.user, 2000, '2024-02-10', h.food, h.restaurants, h.card, 'Dinner')
    spend(h.user, 5000, '2024-01-31', h.transport, h.fuel, h.cash, 'Fuel')
    await api_login(user)
    speak_french(user, h.user)
    await user.open('/?month=2024-02')
    await user.should_see('Février 2024')
    shown = texts(user)
    for text in ('Tableau de bord', 'Total dépensé', 'Moyenne par dépense', 'Plus grosse dépense', 'Jour par jour'):
        assert text in shown
    for text in ('Par catégorie', 'Semaine par semaine', 'Par moyen de paiement', 'Les 5 plus grosses dépenses'):
        assert text in shown
    assert '2024 mois par mois' in shown
    assert one(user, 'figure-total-change').text == f'▼ 35{NBSP}% par rapport à janvier'
    assert {button.text for button in user.find(marker='nav-expenses').elements} == {'Dépenses'}  # header, drawer

    daily = one(user, 'chart-daily').options
    assert daily['legend']['data'] == ['Par jour', 'Cumul']
    assert [axis['name'] for axis in daily['yAxis']] == ['Par jour', 'Cumul']
    weekly = one(user, 'chart-weekly').options
    assert weekly['series'][0]['name'] == 'Semaine'
    assert any('1 dépense' in item['tip'] for item in weekly['series'][0]['data'])
    payment = one(user, 'chart-payment-methods').options
    assert payment['series'][0]['data'][0]['tip'].endswith('2 dépenses')
    assert one(user, 'chart-categories').options['title']['subtext'] == 'ce mois-ci'

    user.find(marker=f'category-row-{h.food.id}').click()  # an event: still French
    await user.should_see('Food par sous-catégorie')
    await user.should_see('Toutes les catégories')


@pytest.mark.usefixtures('march_2024')
async def test_an_empty_month_in_french(user: User) -> None:
    h = household('alice')
    await api_login(user)
    speak_french(user, h.user)
    await user.open('/?month=2024-02')
    await user.should_see('Aucune dépense en février 2024')
    await user.should_see('Ajouter une dépense')


@pytest.fixture
def january_2026():
    with time_machine.travel('2026-01-20 09:00:00', tick=False):
        yield


@pytest.mark.usefixtures('january_2026')
async def test_the_expenses_page_and_form_in_french(user: User) -> None:
    world = await open_page(user, '/')
    speak_french(user, world['alice'])
    await user.open('/expenses?month=2026-01')
    await user.should_see('Janvier 2026')
    table = one(user, 'expenses-table')
    assert [column['label'] for column in table.columns][:4] == ['Date', 'Montant', 'Catégorie', 'Paiement']
    assert table.props['rows-per-page-label'] == 'Lignes'
    await user.should_see('Aucune dépense ce mois-ci. Ajoutez-en une avec le bouton ci-dessus.')
    assert one(user, 'add-expense').text == 'Ajouter une dépense'

    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    assert one(user, 'expense-amount').props['label'] == 'Montant'
    assert one(user, 'expense-category').props['label'] == 'Catégorie'
    assert one(user, 'expense-payment-method').props['label'] == 'Moyen de paiement'
    assert one(user, 'expense-description').props['label'] == 'Description (facultative)'
    assert one(user, 'place-name').props['label'] == 'Lieu (facultatif)'
    assert one(user, 'save-expense').text == 'Enregistrer'
    assert one(user, 'cancel-expense').text == 'Annuler'

    user.find(marker='expense-amount').type('12,50')
    user.find(marker='expense-category').elements.pop().value = world['food'].id
    assert one(user, 'expense-subcategory').props['label'] == 'Sous-catégorie (facultative)'
    user.find(marker='expense-payment-method').elements.pop().value = world['card'].id
    user.find(marker='save-expense').click()  # an event, and a message shown after the service's thread
    await user.should_see('Dépense ajoutée.')
    await user.should_see('12,50\u00a0€')


@pytest.mark.usefixtures('january_2026')
async def test_the_far_ahead_question_in_french(user: User) -> None:
    world = await open_page(user, '/')
    speak_french(user, world['alice'])
    await user.open('/expenses?month=2026-01')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    user.find(marker='expense-amount').type('12,50')
    user.find(marker='expense-date').elements.pop().value = '2028-01-20'
    user.find(marker='expense-category').elements.pop().value = world['food'].id
    user.find(marker='expense-payment-method').elements.pop().value = world['card'].id
    user.find(marker='save-expense').click()
    await user.should_see(marker='far-ahead-dialog')
    await user.should_see(f'Enregistrer cette dépense au 20 janvier 2028{NBSP}?')
    await user.should_see('Cette date est plus d’un an après aujourd’hui (20 janvier 2026).')
    assert one(user, 'far-ahead-fix').text == 'Corriger la date'
    assert one(user, 'far-ahead-save').text == 'Enregistrer quand même'
    user.find(marker='far-ahead-fix').click()
    await user.should_not_see(marker='far-ahead-dialog')


def test_stand_in_names_are_translated_but_a_users_own_are_not() -> None:
    with i18n.use_language('fr'):
        assert [widgets.shown(name) for name in ('Without subcategory', 'Deleted category', 'Food', None)] == [
            'Sans sous-catégorie',
            'Catégorie supprimée',
            'Food',
            '',
        ]
