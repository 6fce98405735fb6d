"""The icons a category or a payment method may wear: one curated list, grouped by theme.

Why a list: an icon is a name of the Material Icons font that Quasar bundles, and a name the font does
not know draws nothing (3.0 accepted `dog` and showed an empty square). Keeping the known names in one
place lets the service refuse an unknown one with a clear message (for the page, the API and the CLI
alike), lets the icon picker show them grouped and searchable, and lets pages fall back to a default
for older data that carries a name from before this list. tests/e2e/test_icons_e2e.py checks in
Chromium that every name here draws one glyph of the bundled font.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TypeGuard

from app.i18n import N_, Message
from app.services.errors import Invalid

DEFAULT_CATEGORY_ICON = 'label'
DEFAULT_PAYMENT_METHOD_ICON = 'payments'


@dataclass(frozen=True)
class IconGroup:
    title: str  # an English msgid (marked with N_), translated where it is shown
    names: tuple[str, ...]


def _group(title: str, names: str) -> IconGroup:
    return IconGroup(title, tuple(names.split()))


GROUPS: tuple[IconGroup, ...] = (
    _group(
        N_('Food and drink'),
        """restaurant restaurant_menu local_dining fastfood lunch_dining dinner_dining breakfast_dining
        brunch_dining ramen_dining rice_bowl set_meal kebab_dining bakery_dining local_pizza tapas icecream
        cake cookie egg egg_alt soup_kitchen takeout_dining delivery_dining outdoor_grill local_cafe coffee
        coffee_maker emoji_food_beverage local_drink local_bar liquor wine_bar sports_bar nightlife
        local_grocery_store shopping_basket food_bank no_food kitchen microwave blender""",
    ),
    _group(
        N_('Home'),
        """home house cottage apartment villa cabin bungalow chalet holiday_village home_work bed king_bed
        single_bed bedroom_parent chair weekend living table_restaurant countertops light lightbulb bolt
        electric_bolt power gas_meter propane_tank water shower bathtub plumbing hvac ac_unit thermostat
        fireplace heat_pump local_fire_department roofing construction handyman build carpenter hardware
        home_repair_service cleaning_services local_laundry_service iron yard grass local_florist deck fence
        garage door_front key lock security wifi router tv blinds curtains doorbell real_estate_agent""",
    ),
    _group(
        N_('Transport and travel'),
        """directions_car local_taxi local_gas_station ev_station electric_car electric_scooter electric_bike
        electric_moped two_wheeler motorcycle moped pedal_bike directions_bike directions_bus directions_subway
        directions_railway directions_transit directions_boat train tram subway airport_shuttle
        emoji_transportation flight flight_takeoff local_airport airplane_ticket sailing directions_walk
        local_parking car_repair car_rental car_crash tire_repair toll traffic commute rv_hookup local_shipping
        agriculture departure_board route map navigation speed luggage hotel travel_explore beach_access
        hail""",
    ),
    _group(
        N_('Health and care'),
        """favorite health_and_safety medical_services local_hospital local_pharmacy medication
        medication_liquid vaccines healing monitor_heart bloodtype psychology spa self_improvement
        fitness_center elderly accessible hearing visibility masks sanitizer sick emergency
        medical_information pregnant_woman face face_retouching_natural content_cut soap wash clean_hands
        dry bathroom""",
    ),
    _group(
        N_('Shopping'),
        """shopping_bag shopping_cart add_shopping_cart local_mall store storefront local_convenience_store
        local_offer sell loyalty redeem card_giftcard checkroom dry_cleaning diamond watch devices smartphone
        phone_iphone laptop computer tablet headphones headset photo_camera toys inventory_2 receipt_long
        discount""",
    ),
    _group(
        N_('Money and payments'),
        """payments credit_card credit_score account_balance account_balance_wallet wallet savings
        attach_money euro euro_symbol currency_pound currency_yen currency_franc currency_exchange
        currency_bitcoin paid price_check price_change request_quote monetization_on money money_off
        point_of_sale contactless qr_code qr_code_2 receipt local_atm atm trending_up trending_down
        show_chart pie_chart insights calculate percent balance gavel handshake volunteer_activism
        request_page corporate_fare""",
    ),
    _group(
        N_('Leisure and sport'),
        """sports_esports videogame_asset games extension casino movie theaters local_movies live_tv
        music_note library_music mic piano radio podcasts subscriptions theater_comedy attractions
        celebration festival local_activity confirmation_number stadium museum palette brush draw
        color_lens menu_book book auto_stories local_library park forest pool hiking sports_soccer
        sports_basketball sports_tennis sports_golf golf_course sports_handball sports_volleyball
        sports_football sports_rugby sports_baseball sports_cricket sports_hockey sports_mma
        sports_martial_arts sports_motorsports surfing kayaking rowing skateboarding snowboarding
        downhill_skiing ice_skating scuba_diving sledding interests""",
    ),
    _group(
        N_('Family and pets'),
        """family_restroom child_care child_friendly baby_changing_station escalator_warning stroller pets
        cruelty_free person people groups woman man boy girl""",
    ),
    _group(
        N_('Work and education'),
        """work business_center school backpack science biotech architecture engineering design_services
        print edit_note description class history_edu laptop_chromebook badge""",
    ),
    _group(
        N_('Phone, internet and post'),
        """phone call sim_card mail email local_post_office cloud language public cell_tower""",
    ),
    _group(
        N_('Other'),
        """label category bookmark star flag tag push_pin lightbulb_circle help info schedule event
        calendar_month today pending church mosque synagogue temple_hindu temple_buddhist policy recycling
        delete eco more_horiz circle""",
    ),
)

# Words a person may search with that are not in the icon's name.
KEYWORDS: dict[str, str] = {
    'pets': 'dog cat animal vet',
    'cruelty_free': 'rabbit animal',
    'directions_car': 'car auto vehicle',
    'local_taxi': 'cab car',
    'local_gas_station': 'fuel petrol gas diesel',
    'ev_station': 'charging electric car',
    'local_parking': 'car park',
    'directions_subway': 'metro underground',
    'subway': 'metro underground',
    'train': 'rail',
    'directions_railway': 'train rail',
    'directions_transit': 'train metro public transport',
    'tram': 'train',
    'directions_bus': 'coach public transport',
    'flight': 'plane airplane travel',
    'hotel': 'bed sleep travel',
    'local_grocery_store': 'groceries supermarket cart',
    'shopping_basket': 'groceries market',
    'local_cafe': 'coffee tea',
    'local_bar': 'drink cocktail alcohol',
    'liquor': 'alcohol drink',
    'wine_bar': 'alcohol drink',
    'sports_bar': 'beer pub drink',
    'bakery_dining': 'bread croissant bakery',
    'restaurant': 'food eat meal',
    'fastfood': 'burger fries food',
    'local_pizza': 'pizza food',
    'home': 'house rent',
    'apartment': 'flat rent building',
    'bolt': 'electricity power energy',
    'electric_bolt': 'electricity energy',
    'water': 'water bill utilities',
    'local_fire_department': 'heating fire',
    'wifi': 'internet broadband',
    'router': 'internet broadband',
    'tv': 'television streaming',
    'smartphone': 'phone mobile',
    'phone_iphone': 'phone mobile',
    'favorite': 'health heart love',
    'local_pharmacy': 'medicine drugs chemist',
    'medication': 'medicine pills drugs',
    'local_hospital': 'doctor clinic',
    'medical_services': 'doctor clinic',
    'fitness_center': 'gym sport',
    'content_cut': 'hairdresser haircut barber',
    'spa': 'beauty wellness',
    'checkroom': 'clothes clothing',
    'dry_cleaning': 'clothes laundry',
    'card_giftcard': 'gift present',
    'redeem': 'gift present',
    'payments': 'cash money notes',
    'credit_card': 'card debit visa mastercard',
    'account_balance': 'bank transfer',
    'account_balance_wallet': 'wallet money',
    'savings': 'piggy bank',
    'local_atm': 'cash withdrawal',
    'currency_exchange': 'exchange change',
    'receipt': 'bill invoice cheque check',
    'receipt_long': 'bill invoice',
    'request_quote': 'invoice bill',
    'point_of_sale': 'till register',
    'contactless': 'card tap nfc',
    'gavel': 'tax law fine',
    'volunteer_activism': 'charity donation gift',
    'handshake': 'loan deal',
    'sports_esports': 'games gaming video',
    'videogame_asset': 'games gaming',
    'movie': 'cinema film',
    'theaters': 'cinema',
    'local_movies': 'cinema film',
    'music_note': 'music song',
    'subscriptions': 'streaming subscription',
    'menu_book': 'book reading',
    'local_library': 'books library',
    'celebration': 'party',
    'beach_access': 'holidays vacation beach',
    'luggage': 'holidays travel suitcase',
    'child_care': 'baby kids children',
    'child_friendly': 'baby kids stroller',
    'stroller': 'baby',
    'school': 'education tuition',
    'family_restroom': 'family kids',
    'work': 'job office',
    'business_center': 'job office briefcase',
    'mail': 'post letter',
    'local_post_office': 'post letter parcel',
    'local_shipping': 'delivery truck lorry',
    'church': 'religion donation',
    'label': 'tag default',
    'category': 'default',
    'eco': 'green leaf environment',
    'recycling': 'waste rubbish',
}

_GROUP_OF: dict[str, IconGroup] = {name: group for group in GROUPS for name in group.names}
KNOWN_ICONS: frozenset[str] = frozenset(_GROUP_OF)


def is_known(name: object) -> TypeGuard[str]:
    return isinstance(name, str) and name in KNOWN_ICONS


def display_icon(name: object, default: str = DEFAULT_CATEGORY_ICON) -> str:
    """The icon to draw for a stored name: itself when known, `default` for a name from before the list
    (an unknown name would draw nothing, or a stray word)."""
    return name if is_known(name) else default


def _matches(name: str, term: str) -> bool:
    """A word of the name or of its synonyms starts with `term`, or `term` is a whole word of its theme
    (so that `car` finds car_rental and cart but not every icon of "Health and care")."""
    words = name.split('_') + KEYWORDS.get(name, '').split()
    if any(word.startswith(term) for word in words):
        return True
    return term in _GROUP_OF[name].title.lower().replace(',', ' ').split()


def search(query: object) -> list[str]:
    """Known icon names matching every word of `query` (in the name, its theme or a few synonyms), in the
    order of the groups; every name when the query is blank."""
    terms = str(query or '').lower().replace('_', ' ').split()
    names = [name for group in GROUPS for name in group.names]
    return [name for name in names if all(_matches(name, term) for term in terms)]


def suggestions(value: str, limit: int = 3) -> list[str]:
    """A few known names close to an unknown one, for the refusal message: by meaning first (`dog`
    finds pets), then by spelling (`restaurent` finds restaurant)."""
    found = search(value)[:limit]
    for name in difflib.get_close_matches(value, sorted(KNOWN_ICONS), n=limit, cutoff=0.6):
        if name not in found and len(found) < limit:
            found.append(name)
    return found


def clean_icon(value: object, *, field: str = 'icon') -> str:
    """A known icon name, or Invalid saying what to use instead."""
    text = str(value if value is not None else '').strip()
    if text in KNOWN_ICONS:
        return text
    shown = text[:40] if len(text) <= 40 else text[:37] + '...'
    close = suggestions(text.lower()) if text else []
    if close:
        message = Message(
            "'{shown}' is not an icon What I Spend knows. Try {choices}, or choose one in the icon picker, "
            'which lists them all.',
            shown=shown,
            choices=', '.join(close),
        )
    else:
        message = Message(
            "'{shown}' is not an icon What I Spend knows. Choose one in the icon picker, which lists them all.",
            shown=shown,
        )
    raise Invalid(message, field=field)
