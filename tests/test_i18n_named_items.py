"""The categories and payment-methods pages (the shared named-items page) in French, for an account whose
`language` is 'fr': the list, the add dialog and its toast, the delete question, the in-use dialog and the
move's toast, each a whole French sentence that agrees with its noun (une catégorie, un moyen de paiement)."""

from __future__ import annotations

from nicegui.testing import User

from app.i18n import _, use_language
from app.pages import categories, payment_methods
from app.services import users
from tests.builders import add
from tests.page_steps import logged_in_alice, one

NBSP = '\u00a0'


async def test_the_categories_page_in_french(user: User) -> None:
    world = await logged_in_alice(user)
    users.update_preferences(world['alice'], language='fr')
    await user.open('/categories')
    await user.should_see(f'Les catégories regroupent vos dépenses{NBSP}; une sous-catégorie précise sa catégorie.')
    assert one(user, 'add-category').text == 'Ajouter une catégorie'

    user.find(marker='add-category').click()  # an event: still French
    await user.should_see('Nouvelle catégorie')
    assert one(user, 'category-name').props['label'] == 'Nom'
    assert one(user, 'category-parent').props['label'] == 'Catégorie parente'
    assert one(user, 'category-color').props['label'] == 'Couleur'
    assert one(user, 'save-category').text == 'Enregistrer'
    user.find(marker='category-name').type('Pets')
    user.find(marker='save-category').click()  # the toast comes after the service's worker thread
    await user.should_see(f'Catégorie «{NBSP}Pets{NBSP}» ajoutée.')
    await user.should_not_see(marker='category-dialog')

    user.find(marker=f'delete-category-{world["transport"].id}').click()
    await user.should_see(f'Supprimer Transport{NBSP}?')
    await user.should_see(f'Aucune dépense ne l’utilise{NBSP}; vous pouvez annuler pendant quelques secondes.')
    user.find(marker='cancel-delete').click()

    add(world['alice'], world, category_id=world['food'].id)
    add(world['alice'], world, category_id=world['food'].id)
    user.find(marker=f'delete-category-{world["food"].id}').click()
    await user.should_see('Cette catégorie est utilisée')
    assert one(user, 'move-message').text.startswith(
        f'La catégorie «{NBSP}Food{NBSP}» est utilisée par 2 dépenses{NBSP}; déplacez-les d’abord'
    )
    assert 'Ses sous-catégories (Groceries, Restaurants) sont supprimées avec elle.' in one(user, 'move-message').text
    assert one(user, 'move-and-delete').text == 'Déplacer et supprimer'


async def test_the_payment_methods_page_in_french(user: User) -> None:
    world = await logged_in_alice(user)
    users.update_preferences(world['alice'], language='fr')
    await user.open('/payment-methods')
    await user.should_see(f'Comment vous payez{NBSP}: espèces, carte, virement…')
    assert one(user, 'add-payment-method').text == 'Ajouter un moyen de paiement'

    user.find(marker='add-payment-method').click()
    await user.should_see('Nouveau moyen de paiement')
    user.find(marker='payment-method-name').type('Chèque').trigger('keydown.enter')
    await user.should_see(f'Moyen de paiement «{NBSP}Chèque{NBSP}» ajouté.')
    await user.should_not_see(marker='payment-method-dialog')

    add(world['alice'], world, payment_method_id=world['card'].id)
    user.find(marker=f'delete-payment-method-{world["card"].id}').click()
    await user.should_see('Ce moyen de paiement est utilisé')
    await user.should_see(f'Le moyen de paiement «{NBSP}Card{NBSP}» est utilisé par 1 dépense{NBSP};')
    user.find(marker='move-and-delete').click()
    await user.should_see('Choisissez le moyen de paiement où déplacer les dépenses.')
    one(user, 'move-to').value = world['cash'].id
    user.find(marker='move-and-delete').click()
    await user.should_see(f'1 dépense déplacée{NBSP}; suppression de «{NBSP}Card{NBSP}» effectuée.')
    await user.should_see('1 dépense')  # Cash's count


def test_the_kinds_say_whole_sentences_that_agree() -> None:
    with use_language('fr'):
        shown = [categories.KIND, payment_methods.KIND]
        assert [kind.added for kind in shown] == ['Category {name} added.', 'Payment method {name} added.']
        assert [_(kind.restored, name='X') for kind in shown] == [
            f'Catégorie «{NBSP}X{NBSP}» rétablie.',
            f'Moyen de paiement «{NBSP}X{NBSP}» rétabli.',
        ]
