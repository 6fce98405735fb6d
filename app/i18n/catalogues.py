"""The catalogues' health, for `manage.py i18n check` and tests/test_catalogues.py: every string the code
marks is in every catalogue, translated, not fuzzy, with the same {placeholders} as its msgid.

The msgids come from the source itself (not from messages.pot), so a forgotten `extract` hides nothing.
Like the rest of app.i18n, this imports nothing from app.
"""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import LOCALE_DIR

ROOT = LOCALE_DIR.parent.parent
# the extraction keywords, the same as `manage.py i18n extract` gives pybabel (ngettext/Plural: 1 and 2)
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    '_': None,
    'gettext': None,
    'N_': None,
    'ngettext': (1, 2),
    'Message': None,
    'Plural': (1, 2),
}
# what babel.cfg lists
METHOD_MAP = [('app/**.py', 'python'), ('manage.py', 'python'), ('main.py', 'python')]


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / 'LC_MESSAGES' / 'messages.po'


def source_msgids(root: Path = ROOT) -> dict[str, str]:
    """{msgid: 'file:line' of its first use} of the source as it is now."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), METHOD_MAP, keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f'{filename}:{lineno}')
    return found


def placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:  # an unbalanced brace: reported as a difference
        return {'<unbalanced braces>'}


def problems(language: str, msgids: dict[str, str] | None = None) -> list[str]:
    """What is wrong with `language`'s catalogue, one line each, with where the string is used."""
    path = po_path(language)
    if not path.exists():
        return [f'{path}: missing (run `manage.py i18n init {language}`)']
    with path.open('rb') as source:
        catalogue = read_po(source, locale=language)
    found = []
    for msgid, where in sorted((msgids or source_msgids()).items(), key=lambda item: item[1]):
        entry = catalogue.get(msgid)
        if entry is None:
            found.append(f'{where}: not in {language}: {msgid!r} (run `manage.py i18n extract` and `update`)')
            continue
        ids = [str(text) for text in (entry.id if isinstance(entry.id, tuple) else (entry.id,))]
        strings = [str(text or '') for text in (entry.string if isinstance(entry.string, tuple) else (entry.string,))]
        if entry.fuzzy or not all(strings):
            found.append(f'{where}: untranslated or fuzzy in {language}: {msgid!r}')
        elif any(placeholders(text) - {'n'} != placeholders(ids[-1]) - {'n'} for text in strings):
            found.append(f'{where}: placeholders differ in {language}: {msgid!r} -> {strings!r}')
    return found
