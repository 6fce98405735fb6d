"""Service errors are lazy messages: English for `.message`/`str()`, French when the adapter renders them in 'fr';
and every message the services raise has its French translation, with the same placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.services import accounts, categories, money
from app.services.errors import Conflict, Invalid, NotFound, ServiceError
from tests.builders import add

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / 'app' / 'services'
CATALOGUE = ROOT / 'app' / 'locale' / 'fr' / 'LC_MESSAGES' / 'messages.po'
MARKS = {'Message': 1, 'N_': 1, 'Plural': 2}  # how many literal msgids each takes
NB = '\u00a0'  # French puts a no-break space before ; : ! ? and inside « »


def _raised(call, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_an_invalid_amount_in_both_languages() -> None:
    error = _raised(money.parse_amount, 'twelve')
    assert isinstance(error, Invalid) and error.field == 'amount'
    assert (
        error.message == str(error) == 'twelve is not an amount; use digits with at most two decimals, such as 12.50.'
    )
    assert error.render('fr') == (
        f'twelve n’est pas un montant{NB}; utilisez des chiffres avec au plus deux décimales, par exemple 12,50.'
    )
    assert _raised(money.parse_amount, '0').render('fr') == 'Le montant doit être supérieur à zéro.'


@pytest.mark.usefixtures('database')
def test_a_duplicate_category_name(alice, things) -> None:
    error = _raised(categories.create_category, alice, 'food')
    assert isinstance(error, Conflict) and error.field == 'name'
    assert error.message == "A category named 'food' already exists at the top level; choose another name."
    assert error.render('fr') == (
        f'Une catégorie nommée «{NB}food{NB}» existe déjà au premier niveau{NB}; choisissez un autre nom.'
    )


@pytest.mark.usefixtures('database')
def test_a_missing_user() -> None:
    error = _raised(accounts.get_user_by_username, 'nobody')
    assert isinstance(error, NotFound)
    assert error.message == "No user named 'nobody'; `python manage.py user list` shows who exists."
    assert error.render('fr') == (
        f'Aucun utilisateur nommé «{NB}nobody{NB}»{NB}; `python manage.py user list` affiche les comptes existants.'
    )


@pytest.mark.usefixtures('database')
def test_a_name_too_long_names_its_limit_and_the_field(alice) -> None:
    error = _raised(categories.create_category, alice, 'x' * 81)
    assert error.message == 'The category name is 81 characters long; shorten it to 80 at most.'
    assert error.render('fr') == (
        f'Le champ «{NB}nom de la catégorie{NB}» compte 81 caractères{NB}; raccourcissez-le à 80 au maximum.'
    )


@pytest.mark.usefixtures('database')
def test_a_plural_follows_the_french_rule(alice, things) -> None:
    """French says "1 dépense" and the one-expense sentence agrees with it ("déplacez-la")."""
    add(alice, things, category_id=things['transport'].id)
    plan = categories.plan_deletion(alice, things['transport'].id)
    assert plan.in_use_message == (
        "'Transport' is used by 1 expense; move it to another category first, then delete the category."
    )
    assert plan.in_use.render('fr') == (
        f'«{NB}Transport{NB}» est utilisée par 1 dépense{NB}; déplacez-la d’abord vers une autre catégorie, '
        'puis supprimez la catégorie.'
    )


# --- the catalogue holds every message the services raise --------------------------------------------------


def _marked_in_services() -> dict[str | tuple[str, str], str]:
    """Each msgid given to Message / N_ (one literal) or Plural (two) in app/services, with where it is."""
    found: dict[str | tuple[str, str], str] = {}
    for path in sorted(SERVICES.rglob('*.py')):
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            where = f'{path.relative_to(ROOT)}:{node.lineno}'
            literals = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id in ('Message', 'N_') and literals:
                found[literals[0]] = where
            elif node.func.id == 'Plural' and len(literals) >= 2:
                found[(literals[0], literals[1])] = where
    return found


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r'(?<!\{)\{(\w+)\}', text))


def test_every_service_message_is_translated_into_french() -> None:
    with CATALOGUE.open('rb') as source:
        catalogue = read_po(source, locale='fr')
    marked = _marked_in_services()
    assert len(marked) > 150  # the raise sites of app/services, and the labels and constants they use
    problems = []
    for msgid, where in marked.items():
        entry = catalogue.get(msgid)
        if entry is None:
            problems.append(f'{where}: not in fr: {msgid!r}')
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy or not all(strings):
            problems.append(f'{where}: untranslated or fuzzy in fr: {msgid!r}')
            continue
        plural = isinstance(msgid, tuple)
        count = {'n'} if plural else set()  # a plural form may leave the count out ("une dépense")
        wanted = _placeholders(' '.join(msgid) if plural else msgid) | count
        problems += [
            f'{where}: placeholders differ in fr: {text!r}' for text in strings if _placeholders(text) | count != wanted
        ]
    assert problems == []


def test_messages_are_whole_literal_sentences_and_services_never_translate() -> None:
    """Message's (and Plural's two) first arguments are literals, which the extractor reads; services import
    only the lazy names from app.i18n: they run in worker threads and do not know who reads."""
    problems = []
    for path in sorted(SERVICES.rglob('*.py')):
        if path.name == 'errors.py':
            continue  # ServiceError('plain English') wraps its str as an untranslated Message
        tree = ast.parse(path.read_text(encoding='utf-8'))
        for node in ast.walk(tree):
            where = f'{path.relative_to(ROOT)}:{getattr(node, "lineno", 0)}'
            if isinstance(node, ast.ImportFrom) and node.module == 'app.i18n':
                names = {alias.name for alias in node.names}
                if names & {'_', 'gettext', 'ngettext'}:  # the names that read the current language
                    problems.append(f'{where}: imports {sorted(names)} from app.i18n')
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKS:
                firsts = node.args[: MARKS[node.func.id]]
                if len(firsts) < MARKS[node.func.id] or not all(
                    isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in firsts
                ):
                    problems.append(f'{where}: {ast.unparse(node)[:80]}')
    assert problems == []
