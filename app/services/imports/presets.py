"""Presets: files whose header we recognise need no mapping. Our own CSV and XLSX exports (a lossless round
trip), ExpenseOwl (current and older), Firefly III's transaction export, ihatemoney (CSV and JSON), Spliit, a
Mint-style CSV, a generic bank CSV, and the bank formats whose reader gives canonical headers.

A preset's mapping names headers as the tool writes them; `preset_mapping` matches them to the file's own
spelling (case, accents, our XLSX in French), and `detect_preset` compares headers in their normal form.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.i18n import Message
from app.services.imports.headers import guess_from_values, guess_mapping, normal
from app.services.imports.shapes import Mapping, Table
from app.services.imports.tables import preview


@dataclass(frozen=True)
class Preset:
    name: str
    label: Message
    mapping: Mapping
    negatives: str  # the default of ReadOptions.negatives for this source


def _preset(name: str, label: Message, negatives: str, **columns: str) -> Preset:
    return Preset(name, label, Mapping.of(columns), negatives)


_BANK_FILE = {'date': 'date', 'amount': 'amount', 'description': 'description', 'external_id': 'external_id'}
# the canonical headers each structured reader gives (see its HEADERS), as a preset's mapping
_OFX = {**_BANK_FILE, 'type': 'type', 'currency': 'currency'}
_QIF = {**_BANK_FILE, 'category': 'category', 'subcategory': 'subcategory', 'type': 'type'}

PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        _preset(
            'wis-csv',
            Message('What I Spend CSV export'),
            'refunds',
            date='date',
            amount='amount',
            category='category',
            subcategory='subcategory',
            payment_method='payment method',
            description='description',
            latitude='latitude',
            longitude='longitude',
        ),
        _preset(
            'wis-xlsx',
            Message('What I Spend XLSX export'),
            'refunds',
            date='Date',
            amount='Amount',
            category='Category',
            subcategory='Subcategory',
            payment_method='Payment method',
            description='Description',
            latitude='Latitude',
            longitude='Longitude',
        ),
        _preset(
            'expenseowl',
            Message('ExpenseOwl export'),
            'expenses',
            external_id='ID',
            description='Name',
            category='Category',
            amount='Amount',
            date='Date',
            tags='Tags',
        ),
        _preset(
            'expenseowl-old',
            Message('ExpenseOwl export (older format)'),
            'refunds',
            external_id='ID',
            description='Name',
            category='Category',
            amount='Amount',
            date='Date',
        ),
        _preset(
            'firefly',
            Message('Firefly III transaction export'),
            'expenses',
            external_id='journal_id',
            type='type',
            amount='amount',
            currency='currency_code',
            description='description',
            date='date',
            payment_method='source_name',
            category='category',
            tags='tags',
        ),
        _preset(
            'ihatemoney',
            Message('ihatemoney export'),
            'refunds',
            date='date',
            description='what',
            amount='amount',
            currency='currency',
            type='bill_type',
        ),
        _preset(
            'spliit',
            Message('Spliit export'),
            'refunds',
            date='Date',
            description='Description',
            category='Category',
            amount='Cost',
            type='Is Reimbursement',
        ),
        _preset(
            'mint',
            Message('Mint-style CSV'),
            'refunds',
            date='Date',
            description='Description',
            amount='Amount',
            type='Transaction Type',
            category='Category',
            payment_method='Account Name',
            tags='Labels',
        ),
        _preset(
            'bank', Message('Bank statement CSV'), 'expenses', date='Date', amount='Amount', description='Description'
        ),
        _preset('ofx', Message('OFX bank statement'), 'expenses', **_OFX),
        _preset('qfx', Message('QFX (Quicken) bank statement'), 'expenses', **_OFX),
        _preset('qif', Message('QIF (Quicken) file'), 'expenses', **_QIF),
        _preset('camt053', Message('CAMT.053 bank statement'), 'expenses', **_OFX),
        _preset('mt940', Message('MT940 bank statement'), 'expenses', **_OFX),
    )
}
# headers (normal form) that say which tool wrote a CSV: all of them must be present
_SIGNATURES = (
    ('wis-csv', {'date', 'amount', 'category', 'subcategory', 'payment method', 'description', 'created by'}),
    ('firefly', {'journal id', 'group id', 'type', 'amount', 'description', 'date', 'source name', 'destination name'}),
    ('spliit', {'date', 'description', 'category', 'cost', 'is reimbursement', 'split mode'}),
    ('mint', {'date', 'description', 'original description', 'amount', 'transaction type', 'category'}),
    ('ihatemoney', {'date', 'what', 'amount', 'payer name', 'owers'}),
    ('expenseowl', {'id', 'name', 'category', 'amount', 'date', 'tags'}),
    ('expenseowl-old', {'id', 'name', 'category', 'amount', 'date'}),
)
_XLSX_SIGNATURES = (
    {'date', 'amount', 'category', 'subcategory', 'payment method', 'description', 'created by'},
    {'date', 'montant', 'categorie', 'sous categorie', 'moyen de paiement', 'description', 'creee par'},
)
# what the French XLSX export calls the English headers of the wis-xlsx preset (normal forms)
_FRENCH_XLSX = {
    'date': 'date',
    'amount': 'montant',
    'category': 'categorie',
    'subcategory': 'sous categorie',
    'payment method': 'moyen de paiement',
    'description': 'description',
    'latitude': 'latitude',
    'longitude': 'longitude',
}
_BANK_WORDS = {
    'balance',
    'solde',
    'value date',
    'date de valeur',
    'date valeur',
    'libelle',
    'iban',
    'booking date',
    'debit',
    'credit',
    'reference',
    'date operation',
    'date d operation',
    'date de l operation',
}


def detect_preset(table: Table) -> str | None:
    """The preset whose signature the header carries; None when it is none we know (then the guess maps)."""
    if table.file_format in ('ofx', 'qfx', 'qif', 'camt053', 'mt940'):
        return table.file_format
    if table.file_format == 'json':
        return 'ihatemoney'
    names = {normal(header) for header in table.headers}
    if table.file_format == 'xlsx' and any(signature <= names for signature in _XLSX_SIGNATURES):
        return 'wis-xlsx'
    for name, signature in _SIGNATURES:
        if signature <= names:
            return name
    if names & _BANK_WORDS:
        guessed = guess_mapping(table.headers)
        if guessed.get('date') and (guessed.get('amount') or guessed.get('debit') or guessed.get('credit')):
            return 'bank'
    return None


def preset_mapping(table: Table, preset: str | None = None, path: Path | None = None) -> Mapping:
    """The mapping for this file: the preset's (detected or chosen), its headers spelt as the file spells them;
    the guess from the header for a bank CSV and without a preset, completed (given the file's `path`) from
    the first rows' values when the headers do not name the date, the amount or the description."""
    name = preset if preset is not None else table.preset
    guessed = guess_mapping(table.headers)
    if name is None or name not in PRESETS or name == 'bank':
        if path is not None and not {'date', 'amount', 'description'} <= set(guessed.as_dict()):
            rows = [cells for _, cells in preview(table, path, limit=50)]
            guessed = guess_from_values(guessed, table.headers, rows)
        return guessed
    by_normal = {normal(header): header for header in table.headers}
    columns: dict[str, str] = {}
    for field, header in PRESETS[name].mapping.columns:
        wanted = normal(header)
        found = by_normal.get(wanted) or by_normal.get(_FRENCH_XLSX.get(wanted, ''))
        if found is not None:
            columns[field] = found
    if not columns.get('amount'):
        for field in ('debit', 'credit'):
            if guessed.get(field):
                columns[field] = guessed.get(field) or ''
    return Mapping.of(columns, headers=table.headers)
