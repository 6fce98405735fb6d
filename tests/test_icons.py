"""The list of known icons: one place, grouped, searchable, and the refusal of a name it lacks."""

from __future__ import annotations

from collections import Counter

import pytest

from app.services import icons, presets
from app.services.errors import Invalid


def test_a_few_hundred_icons_each_in_one_group() -> None:
    names = [name for group in icons.GROUPS for name in group.names]
    assert 300 <= len(names) <= 500
    assert [name for name, count in Counter(names).items() if count > 1] == []
    assert {'Food and drink', 'Home', 'Transport and travel', 'Health and care', 'Shopping'} <= {
        group.title for group in icons.GROUPS
    }
    assert set(icons.KEYWORDS) <= icons.KNOWN_ICONS


def test_the_starting_data_and_the_defaults_use_known_icons() -> None:
    used = {preset['icon'] for preset in presets.DEFAULT_CATEGORIES + presets.DEFAULT_PAYMENT_METHODS}
    used |= {icons.DEFAULT_CATEGORY_ICON, icons.DEFAULT_PAYMENT_METHOD_ICON}
    assert used <= icons.KNOWN_ICONS


@pytest.mark.parametrize(
    ('query', 'expected'),
    [
        ('dog', ['pets']),
        ('fuel', ['local_gas_station']),
        ('  Shopping CART ', ['shopping_cart', 'add_shopping_cart']),
        ('credit_card', ['credit_card']),
        ('no such thing', []),
    ],
)
def test_search_by_name_theme_and_synonyms(query: str, expected: list[str]) -> None:
    assert icons.search(query) == expected


def test_search_by_theme_and_blank() -> None:
    food = next(group for group in icons.GROUPS if group.title == 'Food and drink')
    assert set(food.names) <= set(icons.search('food'))
    assert len(icons.search('')) == len(icons.KNOWN_ICONS)


def test_unknown_names_are_refused_with_a_way_forward() -> None:
    assert icons.clean_icon(' pets ') == 'pets'
    for value, hint in (('dog', 'Try pets'), ('restaurent', 'Try restaurant'), ('', 'Choose one'), (None, 'Choose')):
        with pytest.raises(Invalid, match=hint) as error:
            icons.clean_icon(value)
        assert error.value.field == 'icon'
        assert 'in the icon picker' in error.value.message
    with pytest.raises(Invalid) as error:
        icons.clean_icon('x' * 500)
    assert len(error.value.message) < 200


def test_display_falls_back_for_unknown_names() -> None:
    assert icons.display_icon('pets') == 'pets'
    assert icons.display_icon('dog') == 'label'
    assert icons.display_icon(None, 'payments') == 'payments'
