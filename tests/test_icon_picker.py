"""The icon picker in the category and payment method dialogs: search, pick, the current icon highlighted."""

from __future__ import annotations

from nicegui.testing import User

from app.models import Category, PaymentMethod
from app.services import icons
from tests.page_steps import one, open_page
from tests.polling import until


def visible_icons(user: User) -> set[str]:
    picker = one(user, 'icon-picker')
    shown = set()
    for element in picker.descendants():
        marks = [m for m in element._markers if m.startswith('icon-') and m[5:] in icons.KNOWN_ICONS]
        if marks and all(e.visible for e in (element, *element.ancestors())):
            shown.add(marks[0][5:])
    return shown


async def test_search_and_pick_an_icon_for_a_category(user: User) -> None:
    t = await open_page(user, '/categories')
    transport = t['transport'].id
    user.find(marker=f'edit-category-{transport}').click()
    await user.should_see(marker='category-dialog')
    assert one(user, 'category-icon-preview')._style == {'color': '#6366f1'}  # in the category's colour
    one(user, 'category-color').value = '#00aa00'
    assert one(user, 'category-icon-preview')._style == {'color': '#00aa00'}
    user.find(marker='category-icon-choose').click()
    await user.should_see(marker='icon-picker')
    assert len(visible_icons(user)) == len(icons.KNOWN_ICONS)
    assert one(user, 'icon-current').text == 'Now: label'
    current = one(user, 'icon-label')
    assert current.props['unelevated'] is True and current.props['aria-current'] == 'true'
    assert 'unelevated' not in one(user, 'icon-train').props
    assert one(user, 'icon-train').props['aria-label'] == 'train'
    assert one(user, 'icon-directions_car').props['title'] == 'directions_car'

    user.find(marker='icon-search').type('car')
    await until(lambda: 'directions_car' in visible_icons(user) and 'restaurant' not in visible_icons(user))
    assert {'local_taxi', 'electric_car', 'car_rental'} <= visible_icons(user)
    assert 'medication' not in visible_icons(user)  # "car" is not every icon of Health and care
    user.find(marker='icon-search').clear().type('zzz')
    await user.should_see('No icon matches "zzz"')
    user.find(marker='icon-search').clear().type('train')
    await until(lambda: visible_icons(user) == set(icons.search('train')))
    assert {'train', 'directions_railway', 'tram'} <= visible_icons(user)
    user.find(marker='icon-train').click()
    await user.should_not_see(marker='icon-picker')
    assert one(user, 'category-icon').value == 'train'
    assert one(user, 'category-icon-preview').props['name'] == 'train'
    user.find(marker='save-category').click()
    await user.should_see('Transport saved.')
    await until(lambda: one(user, f'category-icon-{transport}').props['name'] == 'train')
    assert Category.get_by_id(transport).icon == 'train'


async def test_enter_in_the_search_picks_the_first_match_for_a_payment_method(user: User) -> None:
    await open_page(user, '/payment-methods')
    user.find(marker='add-payment-method').click()
    await user.should_see(marker='payment-method-dialog')
    user.find(marker='payment-method-name').type('Meal vouchers')
    user.find(marker='payment-method-icon-choose').click()
    await user.should_see(marker='icon-picker')
    assert 'unelevated' not in one(user, 'icon-payments').props  # nothing chosen yet: nothing highlighted
    user.find(marker='icon-search').type('dog').trigger('keydown.enter')
    await user.should_not_see(marker='icon-picker')
    assert one(user, 'payment-method-icon').value == 'pets'
    user.find(marker='payment-method-icon-choose').click()
    await user.should_see(marker='icon-picker')
    assert one(user, 'icon-pets').props['unelevated'] is True
    user.find(marker='icon-picker-close').click()
    await user.should_not_see(marker='icon-picker')
    user.find(marker='save-payment-method').click()
    await user.should_see('Meal vouchers added.')
    assert PaymentMethod.get(PaymentMethod.name == 'Meal vouchers').icon == 'pets'
