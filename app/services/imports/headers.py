"""Which column is which, guessed from the header in English and in French: our own exports' headers, the
other trackers' (ExpenseOwl, Firefly III, ihatemoney, Spliit, Mint) and the words banks use.

A header is compared in a normal form (lower case, no accents, words only), first whole, then as a phrase
inside a longer header ("Date d'opération", "Montant (EUR)"). A column serves one field at most.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from app.services.imports.shapes import Mapping

# field -> the headers that mean it, most certain first (normal form: see `normal`)
SYNONYMS: dict[str, tuple[str, ...]] = {
    'date': (
        'date',
        'transaction date',
        'booking date',
        'posted date',
        'posting date',
        'date operation',
        'date de operation',
        'date de l operation',
        'date d operation',
        'date comptable',
        'date de transaction',
        'date transaction',
        'jour',
        'datetime',
        'timestamp',
        'when',
        'quand',
        'value date',
        'date valeur',
        'date de valeur',
    ),
    'amount': (
        'amount',
        'montant',
        'transaction amount',
        'montant de la transaction',
        'montant operation',
        'sum',
        'somme',
        'price',
        'prix',
        'cost',
        'cout',
        'total',
        'value',
        'valeur',
    ),
    'debit': ('debit', 'debits', 'withdrawal', 'withdrawals', 'money out', 'paid out', 'sortie', 'sorties', 'depense'),
    'credit': ('credit', 'credits', 'deposit', 'deposits', 'money in', 'paid in', 'entree', 'entrees', 'recette'),
    'category': ('category', 'categorie', 'category name', 'rubrique', 'categories'),
    'subcategory': ('subcategory', 'sub category', 'sous categorie', 'souscategorie', 'sous rubrique'),
    'payment_method': (
        'payment method',
        'moyen de paiement',
        'mode de paiement',
        'mode de reglement',
        'moyen de reglement',
        'payment type',
        'payment',
        'paiement',
        'paid with',
        'mode',
        'method',
    ),
    'description': (
        'description',
        'libelle',
        'libelle operation',
        'libelle de l operation',
        'note',
        'notes',
        'memo',
        'name',
        'nom',
        'what',
        'title',
        'titre',
        'label',
        'details',
        'detail',
        'payee',
        'beneficiaire',
        'merchant',
        'commercant',
        'narrative',
        'intitule',
        'original description',
    ),
    'place': ('place', 'lieu', 'location', 'endroit', 'address', 'adresse', 'city', 'ville', 'magasin', 'store'),
    'latitude': ('latitude', 'lat'),
    'longitude': ('longitude', 'lon', 'lng', 'long'),
    'tags': ('tags', 'tag', 'labels', 'etiquettes', 'etiquette', 'mots cles'),
    'currency': ('currency', 'devise', 'monnaie', 'currency code', 'ccy', 'code devise'),
    'type': (
        'type',
        'transaction type',
        'type de transaction',
        'type d operation',
        'type operation',
        'income expense',
        'revenu depense',
        'depense revenu',
        'kind',
        'nature',
        'sens',
    ),
    'external_id': ('id', 'transaction id', 'external id', 'fitid', 'reference', 'identifiant', 'ref'),
}
# the fields a phrase inside a longer header may stand for (too short or too common words are exact only)
_EXACT_ONLY = frozenset({'id', 'ref', 'lat', 'lon', 'lng', 'long', 'mode', 'name', 'nom', 'value', 'valeur', 'type'})
_NON_WORD = re.compile(r'[^a-z0-9]+')
_CAMEL = re.compile(r'(?<=[a-z])(?=[A-Z])')
_CENTS = re.compile(r'[.,][0-9]{1,2}\b')


def normal(header: str) -> str:
    """'Date d’opération (UTC)' -> 'date d operation utc'; 'dateOp' -> 'date op'."""
    text = unicodedata.normalize('NFKD', _CAMEL.sub(' ', header).casefold())
    text = ''.join(char for char in text if not unicodedata.combining(char))
    return _NON_WORD.sub(' ', text).strip()


def _without_brackets(header: str) -> str:
    return normal(re.sub(r'\([^)]*\)|\[[^\]]*\]', ' ', header))


def _score(field: str, header: str) -> int:
    """How surely `header` names `field`: 3 exact, 2 exact once brackets are dropped, 1 a phrase inside it."""
    whole, bare = normal(header), _without_brackets(header)
    best = 0
    for rank, synonym in enumerate(SYNONYMS[field]):
        bonus = 1 - rank / 100  # the earlier synonym wins a tie
        if whole == synonym:
            return 300
        if bare == synonym:
            best = max(best, int(200 * bonus))
        elif synonym not in _EXACT_ONLY and f' {synonym} ' in f' {bare} ':
            best = max(best, int(100 * bonus))
    return best


def guess_mapping(headers: Sequence[str]) -> Mapping:
    """The likeliest field for each column, each column used once, the surest matches first."""
    scored = sorted(
        ((score, field, header) for field in SYNONYMS for header in headers if (score := _score(field, header))),
        key=lambda item: (-item[0], list(SYNONYMS).index(item[1]), list(headers).index(item[2])),
    )
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for _, field, header in scored:
        if field in chosen or header in used:
            continue
        chosen[field] = header
        used.add(header)
    if 'amount' in chosen:
        chosen.pop('debit', None)
        chosen.pop('credit', None)
    return Mapping.of(chosen)


def guess_from_values(mapping: Mapping, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Mapping:
    """The header guess completed from the first rows' values, for headers no word of ours names (another
    language, a headerless file): a column of dates, a column of amounts, the longest text for the description."""
    from app.services.imports import text_files  # text_files reads dates and amounts, which read nothing here

    chosen = mapping.as_dict()
    used = set(chosen.values())
    free = [index for index, header in enumerate(headers) if header not in used]

    def share(index: int, test: Callable[[str], bool]) -> float:
        values = [row[index].strip() for row in rows if index < len(row) and row[index].strip()]
        return sum(1 for value in values if test(value)) / len(values) if values else 0.0

    if 'date' not in chosen:
        best = max(free, key=lambda index: share(index, text_files.is_date), default=None)
        if best is not None and share(best, text_files.is_date) >= 0.8:
            chosen['date'] = headers[best]
            free.remove(best)
    if not ({'amount', 'debit', 'credit'} & set(chosen)):
        numeric = [index for index in free if share(index, text_files.is_amount) >= 0.8]
        with_cents = [index for index in numeric if share(index, lambda value: bool(_CENTS.search(value))) >= 0.5]
        if with_cents or numeric:
            pick = (with_cents or numeric)[0]
            chosen['amount'] = headers[pick]
            free.remove(pick)
    if 'description' not in chosen:
        texts = [index for index in free if share(index, lambda value: not text_files.is_amount(value)) >= 0.8]
        if texts:
            longest = max(texts, key=lambda index: sum(len(row[index]) for row in rows if index < len(row)))
            chosen['description'] = headers[longest]
    return Mapping.of(chosen)
