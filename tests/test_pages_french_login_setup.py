"""The login page and the setup wizard speak the browser's language (Accept-Language); the wizard seeds the
starting categories and payment methods in it."""

from nicegui import ui
from nicegui.testing import User

from app.models import Category, PaymentMethod
from app.models import User as Account


async def test_login_page_speaks_french_to_a_french_browser(user: User) -> None:
    from tests.conftest import make_user

    make_user('alice', admin=True)
    user.http_client.headers['Accept-Language'] = 'fr-FR,fr;q=0.9,en;q=0.5'
    await user.open('/login?error=credentials')
    await user.should_see('Connectez-vous pour noter et suivre vos dépenses.')
    await user.should_see('Nom d’utilisateur ou mot de passe incorrect\u00a0; vérifiez les deux et réessayez.')
    await user.should_see('Se connecter')
    await user.should_not_see('Log in')


async def test_login_page_stays_english_for_others(user: User) -> None:
    from tests.conftest import make_user

    make_user('alice', admin=True)
    user.http_client.headers['Accept-Language'] = 'de-CH,de;q=0.9'
    await user.open('/login')
    await user.should_see('Log in to record and review your spending.')


async def test_french_wizard_creates_a_french_admin_with_french_presets(user: User) -> None:
    user.http_client.headers['Accept-Language'] = 'fr'
    await user.open('/setup')
    await user.should_see('Bienvenue dans What I Spend')
    user.find(marker='setup-username').type('Admin')
    user.find(marker='setup-password').type('long enough pw')
    user.find(marker='setup-password-confirm').type('other password')
    user.find(marker='setup-next-1').click()
    await user.should_see('Les deux mots de passe diffèrent\u00a0; saisissez deux fois le même mot de passe.')
    user.find(marker='setup-password-confirm').clear().type('long enough pw')
    user.find(marker='setup-next-1').click()
    user.find(marker='setup-next-2').click()
    user.find(kind=ui.checkbox, content='Espèces').click()  # untick a preset, named in French
    user.find(marker='setup-create').click()
    await user.should_see('Compte Admin créé\u00a0: votre suivi des dépenses est prêt.')

    assert Account.get().username == 'Admin'
    parents = {c.name for c in Category.select().where(Category.parent.is_null())}
    assert parents == {'Alimentation', 'Transport', 'Logement', 'Santé', 'Loisirs', 'Achats'}
    children = {c.name for c in Category.select().where(Category.parent.is_null(False))}
    assert {'Courses', 'Loyer', 'Carburant', 'Transports en commun'} <= children
    assert {p.name for p in PaymentMethod.select()} == {'Carte', 'Virement', 'Chèque'}


async def test_wizard_language_can_be_picked_by_address(user: User) -> None:
    user.http_client.headers['Accept-Language'] = 'en-US'
    await user.open('/setup?lang=fr')
    await user.should_see('Bienvenue dans What I Spend')
    await user.open('/setup?lang=xx')  # not offered: the browser's
    await user.should_see('Welcome to What I Spend')


def test_presets_are_named_in_the_language_asked_for() -> None:
    from app.services import presets

    assert [c['name'] for c in presets.categories('fr')][:3] == ['Alimentation', 'Transport', 'Logement']
    assert [p['name'] for p in presets.payment_methods('fr')] == ['Espèces', 'Carte', 'Virement', 'Chèque']
    assert [p['name'] for p in presets.payment_methods('en')] == ['Cash', 'Card', 'Transfer', 'Cheque']
    assert presets.categories('de')[0]['name'] == 'Food'  # no catalogue: English
    assert presets.DEFAULT_CATEGORIES[0]['name'] == 'Food'  # the msgids themselves are left alone


def test_an_account_created_in_french_starts_with_french_names(database: None) -> None:
    from app.services import users

    account = users.create_account('zoe', 'long enough pw', language='fr')
    assert account.presets[1] == 4
    names = {p.name for p in PaymentMethod.select().where(PaymentMethod.owner == account.user.id)}
    assert names == {'Espèces', 'Carte', 'Virement', 'Chèque'}


async def test_the_language_select_restarts_the_wizard_in_that_language(user: User) -> None:
    user.http_client.headers['Accept-Language'] = 'en'
    await user.open('/setup')
    user.find(marker='setup-language').elements.pop().set_value('fr')
    await user.should_see('Bienvenue dans What I Spend')
