"""The categories page through NiceGUI's simulated user: every action shows its outcome without a reload.

Payment methods: tests/test_payment_methods_pages.py; the icon picker: tests/test_icon_picker.py.
"""

from __future__ import annotations

import pytest
from nicegui.testing import User

from app.models import Category, Expense
from tests.builders import add, basics
from tests.conftest import API_KEY, api_login, make_user
from tests.page_steps import one, open_page, press_undo, record_undo_toasts
from tests.polling import until


def row_text(user: User, category_id: int) -> str:
    """The words the row of a category shows (its name and how many expenses use it)."""
    row = one(user, f'category-{category_id}')
    return ' '.join(e.text for e in row.descendants() if hasattr(e, 'text') and e.text)


@pytest.fixture
def undo_toasts(user: User, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    return record_undo_toasts(monkeypatch, 'app.pages.categories')


async def test_create_shows_the_new_row_and_closes_the_dialog(user: User) -> None:
    t = await open_page(user, '/categories')
    await user.should_see('Groceries')
    user.find(marker='add-category').click()
    await user.should_see(marker='category-dialog')
    user.find(marker='category-name').type('food')
    user.find(marker='save-category').click()
    await user.should_see('already exists at the top level')
    await user.should_see(marker='category-dialog')
    user.find(marker='category-name').clear().type('Pets').trigger('keydown.enter')
    await user.should_see('Pets added.')
    await user.should_not_see(marker='category-dialog')
    pets = Category.get(Category.name == 'Pets')
    assert pets.parent_id is None and pets.owner_id == t['alice'].id
    await user.should_see(marker=f'category-{pets.id}')
    assert 'Pets' in row_text(user, pets.id)

    user.find(marker=f'add-subcategory-{pets.id}').click()
    await user.should_see(marker='category-dialog')
    user.find(marker='category-name').type('Vet')
    user.find(marker='save-category').click()
    await user.should_see('Vet added.')
    vet = Category.get(Category.name == 'Vet')
    assert vet.parent_id == pets.id
    await user.should_see(marker=f'category-{vet.id}')
    assert 'pl-10' in one(user, f'category-{vet.id}').classes  # shown under its parent


async def test_rename_recolour_and_reparent_show_at_once(user: User) -> None:
    t = await open_page(user, '/categories')
    transport = t['transport'].id
    user.find(marker=f'edit-category-{transport}').click()
    await user.should_see(marker='category-dialog')
    user.find(marker='category-name').clear().type('Travel')
    one(user, 'category-color').value = '#00aa00'
    one(user, 'category-parent').value = t['food'].id
    user.find(marker='save-category').click()
    await user.should_see('Travel saved.')
    await user.should_not_see(marker='category-dialog')
    travel = Category.get_by_id(transport)
    assert (travel.name, travel.color, travel.parent_id) == ('Travel', '#00aa00', t['food'].id)
    await until(lambda: 'Travel' in row_text(user, transport))
    assert 'pl-10' in one(user, f'category-{transport}').classes
    assert one(user, f'category-icon-{transport}')._style['color'] == '#00aa00'
    await user.should_not_see(marker=f'add-subcategory-{transport}')  # a subcategory has no subcategories

    # and back to the top level
    user.find(marker=f'edit-category-{transport}').click()
    await user.should_see(marker='category-dialog')
    one(user, 'category-parent').value = None
    user.find(marker='save-category').click()
    await user.should_see(marker=f'add-subcategory-{transport}')
    assert Category.get_by_id(transport).parent_id is None


async def test_delete_asks_then_undo_brings_it_back(user: User, undo_toasts) -> None:
    t = await open_page(user, '/categories')
    transport = t['transport'].id
    user.find(marker=f'delete-category-{transport}').click()
    await user.should_see('Delete Transport?')
    user.find(marker='cancel-delete').click()
    await user.should_not_see(marker='confirm-delete')
    assert Category.get_or_none(Category.id == transport) is not None

    user.find(marker=f'delete-category-{transport}').click()
    await user.should_see('No expense uses it; you can undo')
    user.find(marker='confirm-delete-yes').click()
    await user.should_not_see(marker=f'category-{transport}')
    await user.should_not_see(marker='confirm-delete')
    await until(lambda: undo_toasts)
    assert undo_toasts == [('Transport deleted.', f'undo_category_delete_{transport}')]
    assert Category.get_or_none(Category.id == transport) is None

    await press_undo(user, undo_toasts)
    await user.should_see('Transport restored.')
    await user.should_see(marker=f'category-{transport}')
    await press_undo(user, undo_toasts)  # a second press restores nothing twice
    await until(lambda: Category.select().where(Category.name == 'Transport').count() == 1)


async def test_delete_a_category_with_its_subcategories_and_undo(user: User, undo_toasts) -> None:
    t = await open_page(user, '/categories')
    food = t['food'].id
    user.find(marker=f'delete-category-{food}').click()
    await user.should_see('Delete Food and its 2 subcategories?')
    await user.should_see('Groceries, Restaurants go with it.')
    user.find(marker='confirm-delete-yes').click()
    await user.should_not_see(marker=f'category-{t["groceries"].id}')
    await user.should_not_see(marker=f'category-{food}')
    assert Category.select().count() == 1

    # meanwhile someone adds a category of the same name: Undo says why it cannot restore
    other_food = Category.create(owner=t['alice'].id, name='FOOD')
    await press_undo(user, undo_toasts)
    await user.should_see("'Food' cannot come back: a category of that name was added at the top level meanwhile.")
    other_food.delete_instance()
    assert Category.select().count() == 1


async def test_undo_restores_the_whole_tree(user: User, undo_toasts) -> None:
    t = await open_page(user, '/categories')
    food = t['food'].id
    user.find(marker=f'delete-category-{food}').click()
    await user.should_see(marker='confirm-delete')
    user.find(marker='confirm-delete-yes').click()
    await user.should_not_see(marker=f'category-{food}')
    await press_undo(user, undo_toasts)
    await user.should_see('Food restored.')
    for key in ('food', 'groceries', 'restaurants'):
        await user.should_see(marker=f'category-{t[key].id}')


async def test_move_and_delete(user: User) -> None:
    t = await open_page(user, '/categories')
    add(t['alice'], t, category_id=t['transport'].id)
    add(t['alice'], t, category_id=t['transport'].id)
    # the page was loaded before these expenses existed: the plan is read at the click, not from the page
    user.find(marker=f'delete-category-{t["transport"].id}').click()
    await user.should_see(marker='move-dialog')
    await user.should_see('used by 2 expenses')
    user.find(marker='move-and-delete').click()
    await user.should_see('Choose a category to move the expenses to.')
    assert set(one(user, 'move-to').options) == {t['food'].id, t['groceries'].id, t['restaurants'].id}
    one(user, 'move-to').value = t['groceries'].id
    user.find(marker='move-and-delete').click()
    await user.should_see('2 expenses moved; Transport deleted.')
    await user.should_not_see(marker='move-dialog')
    await user.should_not_see(marker=f'category-{t["transport"].id}')
    assert {(e.category_id, e.subcategory_id) for e in Expense.select()} == {(t['food'].id, t['groceries'].id)}
    await until(lambda: '2 expenses' in row_text(user, t['groceries'].id))


async def test_move_a_parent_in_use_with_its_subcategories(user: User) -> None:
    t = await open_page(user, '/categories')
    add(t['alice'], t, subcategory_id=t['groceries'].id)
    user.find(marker=f'delete-category-{t["food"].id}').click()
    await user.should_see('used by 1 expense;')
    await user.should_see('Its subcategories (Groceries, Restaurants) are deleted with it.')
    assert set(one(user, 'move-to').options) == {t['transport'].id}
    one(user, 'move-to').value = t['transport'].id
    user.find(marker='move-and-delete').click()
    await user.should_see('1 expense moved; Food deleted.')
    await user.should_not_see(marker=f'category-{t["groceries"].id}')
    assert [c.name for c in Category.select()] == ['Transport']


async def test_cancelling_the_move_keeps_everything(user: User) -> None:
    t = await open_page(user, '/categories')
    add(t['alice'], t, subcategory_id=t['groceries'].id)
    user.find(marker=f'delete-category-{t["groceries"].id}').click()
    await user.should_see('used by 1 expense;')
    user.find(marker='cancel-move').click()
    await user.should_not_see(marker='move-dialog')
    assert Category.select().count() == 4 and Expense.get().subcategory_id == t['groceries'].id
    await user.should_see(marker=f'category-{t["groceries"].id}')


async def test_unknown_icon_refused_under_the_field_and_by_the_api(user: User) -> None:
    t = await open_page(user, '/categories')
    user.find(marker=f'edit-category-{t["transport"].id}').click()
    await user.should_see(marker='category-dialog')
    user.find(marker='category-icon').clear().type('dog')
    user.find(marker='save-category').click()
    message = "'dog' is not an icon What I Spend knows. Try pets, or choose one in the icon picker"
    await user.should_see(message)
    assert one(user, 'category-icon').error.startswith(message)
    await user.should_see(marker='category-dialog')
    assert Category.get_by_id(t['transport'].id).icon == 'label'

    answer = await user.http_client.post(f'/sysapi/category_create?key={API_KEY}', json={'name': 'Dogs', 'icon': 'dog'})
    assert answer.status_code == 422
    assert answer.json() == {'error': answer.json()['error'], 'field': 'icon'}
    assert answer.json()['error'].startswith(message)
    update = await user.http_client.post(
        f'/sysapi/payment_method_update?key={API_KEY}', json={'id': t['card'].id, 'icon': 'dog'}
    )
    assert update.status_code == 422 and update.json()['field'] == 'icon'


async def test_an_old_unknown_icon_still_shows_and_stays_editable(user: User) -> None:
    alice = make_user('alice')
    t = basics(alice)
    Category.update(icon='dog').where(Category.id == t['transport'].id).execute()
    await api_login(user)
    await user.open('/categories')
    await user.should_see(marker=f'category-{t["transport"].id}')
    assert one(user, f'category-icon-{t["transport"].id}').props['name'] == 'label'
    user.find(marker=f'edit-category-{t["transport"].id}').click()
    await user.should_see(marker='category-dialog')
    assert one(user, 'category-icon').value == 'dog'
    assert 'not an icon we know' in one(user, 'category-icon').props['hint']
    assert one(user, 'category-icon-preview').props['name'] == 'label'
    user.find(marker='category-name').clear().type('Travel')
    user.find(marker='save-category').click()
    await user.should_see('Travel saved.')
    assert (Category.get_by_id(t['transport'].id).name, Category.get_by_id(t['transport'].id).icon) == (
        'Travel',
        'dog',
    )
