"""Every string the code marks is in every catalogue, translated, not fuzzy, with the same {placeholders};
and the marks are ones the extractor can read and a translator can reorder.

The msgids are extracted from the source as it is now (no .pot needed, so a forgotten `manage.py i18n
extract` hides nothing). After a merge of branches that marked strings in parallel: `manage.py i18n
extract && manage.py i18n update`, fill the new msgstr, `manage.py i18n check`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app import i18n
from app.i18n.catalogues import KEYWORDS, placeholders, po_path, problems, source_msgids

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [language for language in i18n.LANGUAGES if language != i18n.DEFAULT]
# the few places that wrap a text which is not an msgid, on purpose
NOT_MSGIDS = {'app/services/errors.py'}  # ServiceError('plain English') wraps it as an untranslated Message
SOURCES = [*sorted((ROOT / 'app').rglob('*.py')), ROOT / 'manage.py', ROOT / 'main.py']


@pytest.fixture(scope='module')
def msgids() -> dict[str, str]:
    return source_msgids()


def test_the_extractor_sees_the_marks(msgids):
    assert msgids['Dashboard'].startswith('app/pages/__init__.py')  # N_
    assert '{page} · What I Spend' in msgids  # _
    assert "Language '{language}' is not offered; choose one of {choices}, or automatic (empty)." in msgids  # Message
    assert '{n} string, translated in every language.' in msgids  # ngettext (singular; the plural is the entry's)


@pytest.mark.parametrize('language', TRANSLATED)
def test_catalogue_is_complete(language, msgids):
    found = problems(language, msgids)
    assert not found, f'{len(found)} problems (fill them in {po_path(language).relative_to(ROOT)}):\n' + '\n'.join(
        found
    )


@pytest.mark.parametrize('language', TRANSLATED)
def test_the_catalogue_says_its_plural_rule(language):
    header = po_path(language).read_text(encoding='utf-8').split('\n\n')[0]
    if language == 'fr':
        assert 'Plural-Forms: nplurals=2; plural=(n > 1);' in header  # 0 and 1 are singular in French


def test_placeholders_are_compared_by_name():
    assert placeholders('{n} of {total} for {name}') == {'n', 'total', 'name'}
    assert placeholders('{oops') == {'<unbalanced braces>'}


@pytest.mark.parametrize('language', TRANSLATED)
def test_compiled_catalogue_is_fresh(language):
    """The .mo is built at install, not committed; a checkout that has one must not have it older than its .po
    (the app then compiles the .po in memory with a WARNING: `manage.py i18n compile`)."""
    po = po_path(language)
    mo = po.with_suffix('.mo')
    if not mo.exists():
        pytest.skip('no compiled catalogue in this checkout (./install.sh builds it)')
    assert mo.stat().st_mtime >= po.stat().st_mtime, 'run `manage.py i18n compile`'


def test_no_translated_text_is_glued_together():
    """`_('Saved') + ' ' + name` or f'{_("Total")}: {x}' cannot be reordered by a translator: one whole
    sentence per msgid, with named parameters."""
    glued = re.compile(r"""(\b_\([^()]*\)\s*\+)|(\+\s*_\()|(\{_\()""")
    offenders = [
        f'{path.relative_to(ROOT)}:{number}'
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1)
        if glued.search(line)
    ]
    assert not offenders, offenders


def _marks(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name in KEYWORDS:
                yield name, node


def test_the_first_argument_of_a_mark_is_a_plain_literal():
    """The extractor reads literals only: `_(f'...')`, `_(name)` or `Message(text)` is a string no catalogue
    ever gets (English for everyone). A variable holding an N_-marked constant goes through `_(label)`; that is
    the one exception, allowed for `_` and `gettext` whose argument is a plain name or attribute."""
    offenders = []
    for path in SOURCES:
        if path.is_relative_to(ROOT / 'app' / 'i18n') or str(path.relative_to(ROOT)) in NOT_MSGIDS:
            continue
        for name, node in _marks(ast.parse(path.read_text(encoding='utf-8'))):
            count = len(KEYWORDS[name] or (1,))
            firsts = node.args[:count]
            literal = len(firsts) == count and all(
                isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in firsts
            )
            constant = name in ('_', 'gettext') and node.args and isinstance(node.args[0], ast.Name | ast.Attribute)
            if not literal and not constant:
                offenders.append(f'{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:80]}')
    assert not offenders, '\n'.join(offenders)


def test_the_check_reports_missing_fuzzy_and_placeholder_problems(tmp_path, monkeypatch):
    from app.i18n import catalogues

    folder = tmp_path / 'xx' / 'LC_MESSAGES'
    folder.mkdir(parents=True)
    (folder / 'messages.po').write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Saved"\nmsgstr "Gespeichert"\n\n'
        'msgid "Hello {name}"\nmsgstr "Hallo {nom}"\n\n'
        'msgid "Fine {n}"\nmsgstr "Gut {n}"\n',
        encoding='utf-8',
    )
    monkeypatch.setattr(catalogues, 'LOCALE_DIR', tmp_path)
    found = catalogues.problems(
        'xx', {'Saved': 'a.py:1', 'Hello {name}': 'a.py:2', 'Fine {n}': 'a.py:3', 'Gone': 'a.py:4'}
    )
    assert found == [
        "a.py:1: untranslated or fuzzy in xx: 'Saved'",
        "a.py:2: placeholders differ in xx: 'Hello {name}' -> ['Hallo {nom}']",
        "a.py:4: not in xx: 'Gone' (run `manage.py i18n extract` and `update`)",
    ]


def test_manage_py_i18n_check_passes(capsys):
    from app.cli.i18n import I18nCommands

    I18nCommands().check()
    assert 'translated in every language' in capsys.readouterr().out
