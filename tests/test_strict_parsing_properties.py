"""Property tests (hypothesis) for item 11 of issue 13: the parsers refuse what a person did not mean,
and keep reading what a person writes; and for item 5, the JSON depth count the API checks before parsing."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.api.bodies import json_depth
from app.services.errors import Invalid
from app.services.money import MAX_AMOUNT_CENTS, cents_to_text, parse_amount
from app.services.months import parse_date, parse_month
from app.services.validation import clean_name, clean_text, is_invisible, parse_coordinate

PROPERTIES = settings(max_examples=300, deadline=None, database=None)
INVISIBLE = st.sampled_from(
    ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e', '\u3164', '\u2800', '\u0301', '\u202e']
)
# full-width, Arabic-Indic, Devanagari and mathematical digits: unicode digits that are not 0-9
FOREIGN_DIGITS = st.sampled_from(['０１２３４５６７８９', '٠١٢٣٤٥٦٧٨٩', '०१२३४५६७८९', '𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗'])


def _foreign(text: str, digits: str) -> str:
    return text.translate(str.maketrans('0123456789', digits))


@PROPERTIES
@given(st.integers(min_value=1, max_value=MAX_AMOUNT_CENTS), FOREIGN_DIGITS)
def test_amounts_in_other_digits_are_refused(cents: int, digits: str) -> None:
    with pytest.raises(Invalid) as refusal:
        parse_amount(_foreign(cents_to_text(cents), digits))
    assert refusal.value.field == 'amount'


@PROPERTIES
@given(st.integers(min_value=1000, max_value=MAX_AMOUNT_CENTS // 100))
def test_underscores_are_not_thousands_separators(units: int) -> None:
    with pytest.raises(Invalid):
        parse_amount(f'{units:_}')


@pytest.mark.parametrize('value', [True, False])
def test_booleans_are_not_amounts_or_coordinates(value: bool) -> None:
    with pytest.raises(Invalid):
        parse_amount(value)
    with pytest.raises(Invalid) as refusal:
        parse_coordinate(value, field='latitude', limit=90)
    assert 'true or false' in refusal.value.message


@PROPERTIES
@given(st.floats(min_value=-90, max_value=90, allow_nan=False), st.booleans())
def test_coordinates_as_numbers_or_decimal_text_are_read(number: float, comma: bool) -> None:
    text = f'{number:.7f}'.replace('.', ',' if comma else '.')
    assert parse_coordinate(text, field='latitude', limit=90) == round(float(text.replace(',', '.')), 7)
    assert parse_coordinate(number, field='latitude', limit=90) == round(number, 7)


@PROPERTIES
@given(st.text(max_size=20))
@example('4_8')
@example('１２')
@example('1e1')
@example('infinity')
@example('nan')
def test_any_text_is_a_plain_decimal_latitude_or_a_refusal(text: str) -> None:
    try:
        number = parse_coordinate(text, field='latitude', limit=90)
    except Invalid as refusal:
        assert refusal.field == 'latitude'
        return
    stripped = text.strip().replace(',', '.')
    assert number is None or all(c in '+-.0123456789' for c in stripped)


@PROPERTIES
@given(st.integers(min_value=1970, max_value=2200), st.integers(min_value=1, max_value=12), FOREIGN_DIGITS)
def test_months_and_dates_in_other_digits_are_refused(year: int, month: int, digits: str) -> None:
    text = f'{year:04d}-{month:02d}'
    assert str(parse_month(text)) == text
    with pytest.raises(Invalid) as refusal:
        parse_month(_foreign(text, digits))
    assert refusal.value.field == 'month'
    with pytest.raises(Invalid):
        parse_date(_foreign(text + '-01', digits))


@PROPERTIES
@given(st.lists(st.one_of(INVISIBLE, st.sampled_from([' ', '\t', '\u00a0', '\u3000'])), min_size=1, max_size=12))
def test_a_name_of_invisible_characters_is_refused(chars: list[str]) -> None:
    with pytest.raises(Invalid) as refusal:
        clean_name(''.join(chars), label='category name')
    assert refusal.value.field == 'name' and 'category name' in refusal.value.message


@PROPERTIES
@given(st.text(min_size=1, max_size=60))
def test_any_name_is_visible_text_or_a_refusal(text: str) -> None:
    try:
        name = clean_name(text)
    except Invalid as refusal:
        assert refusal.field == 'name' and refusal.message
        return
    assert name and not is_invisible(name[0]) and not is_invisible(name[-1])
    assert not any('\ud800' <= char <= '\udfff' for char in name)


@PROPERTIES
@given(st.lists(INVISIBLE, max_size=8))
def test_a_description_of_invisible_characters_is_empty(chars: list[str]) -> None:
    assert clean_text(''.join(chars), field='description', max_length=500, label='description') == ''


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.sampled_from('ab[]{}"\\ '), max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=20,
)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@PROPERTIES
@given(JSON_VALUES, st.booleans())
def test_json_depth_counts_nesting_and_ignores_brackets_in_strings(value, ascii_only: bool) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert json_depth(raw) == _depth(value)
