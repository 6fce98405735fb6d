"""The setup wizard, the login page and the frame, through NiceGUI's simulated user."""

from nicegui import ui
from nicegui.testing import User

from app.models import Category, PaymentMethod
from app.models import User as Account
from app.services import users
from tests.conftest import PASSWORD, api_login, make_user
from tests.polling import until


async def test_every_page_leads_to_setup_on_first_run(user: User) -> None:
    for path in ('/', '/expenses', '/settings', '/login'):
        await user.open(path)
        await user.should_see(marker='setup-username')


async def test_wizard_creates_the_admin_once(user: User) -> None:
    await user.open('/setup')
    user.find(marker='setup-username').type('Admin')
    user.find(marker='setup-password').type('short')
    user.find(marker='setup-password-confirm').type('short')
    user.find(marker='setup-next-1').click()
    await user.should_see('at least 8 characters')
    user.find(marker='setup-password').clear().type('long enough pw')
    user.find(marker='setup-password-confirm').clear().type('long enough pw')
    user.find(marker='setup-next-1').click()
    user.find(marker='setup-next-2').click()
    user.find(marker='setup-new-category').type('Pets')
    user.find(marker='setup-add-category').click()
    user.find(marker='setup-new-method').type('Meal vouchers')
    user.find(marker='setup-add-method').click()
    user.find(kind=ui.checkbox, content='Cash').click()  # untick a preset
    user.find(marker='setup-create').click()
    await user.should_see('Account Admin created: your tracker is ready.')
    await user.should_see(marker='setup-api-key')

    admin = Account.get()
    assert admin.username == 'Admin' and admin.is_admin
    assert users.authenticate('admin', 'long enough pw') is not None
    parents = Category.select().where(Category.parent.is_null())
    assert {c.name for c in parents} >= {'Food', 'Transport', 'Housing', 'Health', 'Leisure', 'Shopping', 'Pets'}
    assert {c.name for c in Category.select().where(Category.parent.is_null(False))} >= {'Groceries', 'Rent', 'Fuel'}
    assert {p.name for p in PaymentMethod.select()} == {'Card', 'Transfer', 'Cheque', 'Meal vouchers'}

    # The wizard is gone for good: it cannot create a second admin.
    await user.open('/setup')
    await user.should_see(marker='login')
    assert Account.select().count() == 1


async def test_wizard_refuses_when_an_account_appeared_meanwhile(user: User) -> None:
    await user.open('/setup')
    make_user('early', admin=True)
    user.find(marker='setup-username').type('late')
    user.find(marker='setup-password').type('long enough pw')
    user.find(marker='setup-password-confirm').type('long enough pw')
    user.find(marker='setup-next-1').click()
    user.find(marker='setup-next-2').click()
    user.find(marker='setup-create').click()
    await user.should_see('Setup is already complete')
    assert [a.username for a in Account.select()] == ['early']


async def test_pages_need_a_session(user: User) -> None:
    make_user('alice', admin=True)
    response = await user.http_client.get('/expenses?month=2026-01', follow_redirects=False)
    assert response.status_code == 303
    assert response.headers['location'] == '/login?next=/expenses%3Fmonth%3D2026-01'
    await user.open('/settings')
    await user.should_see(marker='login')


async def test_login_page_shows_errors_without_echoing_input(user: User) -> None:
    make_user('alice', admin=True)
    await user.open('/login?error=<script>alert(1)</script>')
    await user.should_see('Wrong username or password')


async def test_frame_and_settings(user: User) -> None:
    make_user('alice', admin=True)
    await api_login(user)
    await user.open('/')
    await user.should_see(marker='current-user')
    for marker in ('nav-dashboard', 'nav-expenses', 'nav-categories', 'nav-payment-methods', 'nav-settings', 'logout'):
        await user.should_see(marker=marker)
    user.find(marker='nav-settings').click()
    await user.should_see(marker='change-password')
    user.find(marker='show-api-key').click()
    await user.should_see(marker='api-key')


async def test_dark_mode_is_saved_and_rendered_server_side(user: User) -> None:
    alice = make_user('alice', admin=True)
    await api_login(user)
    await user.open('/')
    user.find(marker='toggle-dark').click()
    await user.should_see(marker='current-user')
    await until(lambda: Account.get_by_id(alice.id).theme == 'dark')  # the save runs in a worker thread
    response = await user.http_client.get('/settings')
    assert 'const dark = True' in response.text  # rendered dark from the first byte: no flash


async def test_change_password_ends_other_sessions(user: User) -> None:
    alice = make_user('alice', admin=True)
    await api_login(user)
    from app.services import sessions

    other = sessions.create_session(alice)
    await user.open('/settings')
    user.find(marker='current-password').type(PASSWORD)
    user.find(marker='new-password').type('a brand new password')
    user.find(marker='new-password-confirm').type('a brand new password')
    user.find(marker='change-password').click()
    await user.should_see('1 other session logged out')
    assert sessions.user_for_token(other) is None
    assert users.authenticate('alice', 'a brand new password') is not None
    assert ui is not None


def _only(user: User, marker: str):
    (element,) = user.find(marker=marker).elements
    return element


async def test_wizard_errors_sit_under_their_field_and_go_once_fixed(user: User) -> None:
    await user.open('/setup')
    user.find(marker='setup-username').type('Admin')
    user.find(marker='setup-password').type('short')
    user.find(marker='setup-password-confirm').type('shorty')
    user.find(marker='setup-next-1').click()
    password, confirm, username = (_only(user, f'setup-{m}') for m in ('password', 'password-confirm', 'username'))
    assert 'at least 8 characters' in password.error
    assert 'differ' in confirm.error
    assert username.error is None
    await user.should_see(marker='setup-next-1')  # still on the first step

    user.find(marker='setup-password').clear().type('long enough pw')  # fixed: its error goes at once
    assert password.error is None
    assert 'differ' in confirm.error  # still wrong, still said
    user.find(marker='setup-password-confirm').clear().type('long enough pw')
    assert confirm.error is None
    user.find(marker='setup-username').clear().type('bad name!')
    assert username.error is None  # no error appears while typing; only Next judges a fresh field
    user.find(marker='setup-next-1').click()
    assert 'letters, digits' in username.error
    user.find(marker='setup-username').clear().type('Admin')
    assert username.error is None
    user.find(marker='setup-next-1').click()
    await user.should_see(marker='setup-next-2')


async def test_wizard_offers_locales_in_words_with_the_browsers_defaults(user: User) -> None:
    user.http_client.headers['Accept-Language'] = 'en-US,en;q=0.9,fr;q=0.5'
    await user.open('/setup')
    locale, currency = _only(user, 'setup-locale'), _only(user, 'setup-currency')
    assert (locale.value, currency.value) == ('en-US', 'USD')
    assert locale.options['en-US'] == 'English (United States) — $1,234.56'
    # an English reader: French number style, the currency named as English writes it (app/services/formats.py)
    assert locale.options['fr-FR'] == 'Français (France) — 1\u202f234,56\xa0US$'
    assert currency.options['EUR'] == 'EUR — Euro'
    currency.set_value('EUR')  # the examples follow the chosen currency
    assert locale.options['fr-FR'] == 'Français (France) — 1\u202f234,56\xa0€'
    assert locale.options['en-US'] == 'English (United States) — €1,234.56'
    assert locale.value == 'en-US'


async def test_wizard_defaults_to_french_and_euros_for_a_french_browser(user: User) -> None:
    user.http_client.headers['Accept-Language'] = 'fr-CH, fr;q=0.9'
    await user.open('/setup')
    assert (_only(user, 'setup-locale').value, _only(user, 'setup-currency').value) == ('fr-CH', 'CHF')


async def test_wizard_says_what_the_installation_key_is_for(user: User) -> None:
    await user.open('/setup')
    user.find(marker='setup-username').type('Admin')
    user.find(marker='setup-password').type('long enough pw')
    user.find(marker='setup-password-confirm').type('long enough pw')
    user.find(marker='setup-next-1').click()
    user.find(marker='setup-next-2').click()
    user.find(marker='setup-new-category').type('   ')
    user.find(marker='setup-add-category').click()
    assert _only(user, 'setup-new-category').error == 'Type a name of 1 to 80 characters first.'
    user.find(marker='setup-new-category').type('Food')
    assert _only(user, 'setup-new-category').error is None  # typing again takes the complaint away
    user.find(marker='setup-add-category').click()
    assert 'already in the list' in _only(user, 'setup-new-category').error
    user.find(marker='setup-create').click()
    await user.should_see(marker='setup-api-key')
    await user.should_see('including scripts written for version 2.4')
    await user.should_see('Keep it secret, like a password')
    await user.should_see('a personal token (Settings › API tokens) is the better way')
    await user.should_see('an administrator finds it again in Settings › Account')
