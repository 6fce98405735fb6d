"""The folded form of names and descriptions (duplicates, names matched ignoring case and accents) is worked
out character by character from a table; it must equal the whole-text normalisation it replaced."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.import_names import fold


def whole_text_fold(text: str) -> str:
    if not text:
        return ''
    decomposed = unicodedata.normalize('NFKD', text)
    bare = ''.join(char for char in decomposed if not unicodedata.combining(char))
    return ' '.join(bare.casefold().split())


def test_names_fold_as_people_expect() -> None:
    assert fold('  Épicerie   FINE ') == fold('epicerie fine') == 'epicerie fine'
    assert fold('Straße') == 'strasse' and fold('İstanbul') == 'istanbul' and fold('ΣΟΦΟΣ') == 'σοφοσ'
    assert fold('ﬁlm Café\u0301') == 'film cafe'
    assert fold(None) == fold('') == ''


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=('Cs',)), max_size=40))
def test_folding_by_character_equals_folding_the_whole_text(text: str) -> None:
    assert fold(text) == whole_text_fold(text)
