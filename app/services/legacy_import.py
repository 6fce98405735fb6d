"""Moving from What I Spend v2.4: import its `data/` folder of JSON files into the database.

Files read (each a JSON object of id -> record, or a list of records): users.json, categories.json,
payment_methods.json, expenses.json, user_links.json. Argon2 hashes are kept as they are, so every
old password keeps working; float amounts become exact cents through their decimal text.

The whole import is one transaction: any record that cannot be imported stops it, nothing is kept,
and the message names the file and the record. Records that are odd but understandable (no
description, an amount written as text, a category id that no longer exists) are imported with a
warning. Every imported record is remembered in `legacy_record`, so a second run adds only what is
new. `dry_run` does all the work and then rolls it back.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from app.db import write_transaction
from app.i18n import Message
from app.models import Category, Expense, LegacyRecord, PaymentMethod, User, UserLink, utcnow
from app.services import users
from app.services.errors import Invalid, ServiceError
from app.services.legacy_import_files import (
    RecordError,
    amount_cents,
    coordinates,
    legacy_id,
    legacy_timestamp,
    link_pairs,
    read_records,
    text_of,
)
from app.services.months import parse_date

log = logging.getLogger('whatispend.import')

KINDS = ('users', 'categories', 'payment_methods', 'expenses', 'links')
UNCATEGORIZED = 'Uncategorized'
_Row = TypeVar('_Row', User, Category, PaymentMethod)
# what a record naming a missing parent category or payment method is warned with ({} is the missing id)
_NO_PARENT = 'its parent category {} does not exist: imported at top level'
_NO_METHOD = 'payment method {} does not exist: imported without one'


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportReport:
    """What an import did, or for a dry run would do: records per kind (every kind of KINDS), warnings."""

    folder: Path
    dry_run: bool
    created: dict[str, int]
    already: dict[str, int]
    warnings: tuple[str, ...]


@dataclass(slots=True)
class _Tally:
    """The counts as the import goes."""

    created: Counter[str] = field(default_factory=Counter)
    already: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def warn(self, file: str, key: object, message: str) -> None:
        self.warnings.append(f'{file}, record {key!s}: {message}')


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run."""


# --- the import -------------------------------------------------------------------------------------


class _Importer:
    def __init__(self, folder: Path, report: _Tally) -> None:
        self.folder = folder
        self.report = report
        self.users: dict[str, User] = {}  # legacy username (lower-case) -> account
        self.categories: dict[str, Category] = {}
        self.methods: dict[str, PaymentMethod] = {}
        self.uncategorized: dict[int, Category] = {}
        self.current: tuple[str, str] = ('', '')  # the record being imported, for unexpected errors

    def _seen(self, kind: str, key: str) -> int | None:
        row = LegacyRecord.get_or_none((LegacyRecord.kind == kind) & (LegacyRecord.legacy_key == key))
        return row.target_id if row else None

    def _remember(self, kind: str, key: str, target_id: int) -> None:
        LegacyRecord.create(kind=kind, legacy_key=key, target_id=target_id)

    def _owner(self, file: str, key: str, record: dict) -> User | None:
        """The account a record names, or None when it names none (v2.4 shared categories and methods)."""
        name = text_of(record, 'user', 'username', 'owner', 'user_id', 'created_by')
        if not name:
            return None
        owner = self.users.get(name.lower())
        if owner is None:
            raise RecordError(file, key, f'its user {name!r} is not in users.json')
        return owner

    def _imported_before(self, kind: str, model: type[_Row], key: str) -> _Row | None:
        """The row an earlier run made of this record, if it still exists."""
        target = self._seen(kind, key)
        return model.get_or_none(model.id == target) if target is not None else None

    def _name_and_owner(self, file: str, key: str, record: dict, users_of: dict[str, str]) -> tuple[str, User]:
        """A category's or a payment method's name, and its owner: the one it names, else the user whose
        expenses use it most, else the first administrator."""
        name = text_of(record, 'name')
        if not name:
            raise RecordError(file, key, 'it has no name')
        owner = self._owner(file, key, record)
        if owner is None:
            owner = self.users.get(users_of.get(key, '')) or self._default_owner()
        return name, owner

    def _reference(
        self, file: str, key: str, record: dict, imported: dict[str, _Row], fields: tuple[str, ...], missing: str
    ) -> _Row | None:
        """The imported record that `record` names in `fields`; one it names that does not exist is
        warned about (`missing`, with `{}` for its id) and read as none."""
        legacy = legacy_id(record, *fields)
        if not legacy:
            return None
        found = imported.get(legacy)
        if found is None:
            self.report.warn(file, key, missing.format(legacy))
        return found

    def _required_owner(self, file: str, key: str, record: dict) -> User:
        owner = self._owner(file, key, record)
        if owner is None:
            raise RecordError(file, key, 'it names no user ("user" is missing)')
        return owner

    # users ------------------------------------------------------------------------------------------

    def import_users(self) -> None:
        file = 'users.json'
        had_admin = User.select().where(User.is_admin & User.deleted_at.is_null()).exists()
        imported: list[tuple[datetime, User]] = []
        for key, record in read_records(self.folder, file):
            self.current = (file, key)
            if not isinstance(record, dict):
                raise RecordError(file, key, 'it is not an object')
            username = text_of(record, 'username') or key
            try:
                username = users.validate_username(username)
            except Invalid as exc:
                raise RecordError(file, key, exc.message) from None
            lower = username.lower()
            if (user := self._imported_before('user', User, lower)) is not None:
                self.users[lower] = user
                self.report.already['users'] += 1
                continue
            password_hash = text_of(record, 'password_hash', 'password')
            if not password_hash.startswith('$argon2'):
                raise RecordError(file, key, 'its password_hash is not an Argon2 hash ($argon2id$...)')
            existing = users.find_user(username)
            if existing is not None:
                self.report.warn(
                    file,
                    key,
                    f'an account named {existing.username!r} already exists here: its data is added to '
                    'that account and its current password is kept',
                )
                user = existing
            else:
                flagged = bool(record.get('is_admin') or record.get('admin') or record.get('role') == 'admin')
                user = users.create_user(username, '', is_admin=flagged, password_hash=password_hash)
                created = legacy_timestamp(record.get('created_at'))
                if created:
                    user.created_at = created
                    user.save(only=[User.created_at])
                imported.append((created or datetime.max, user))
                self.report.created['users'] += 1
            self._remember('user', lower, user.id)
            self.users[lower] = user
        if imported and not had_admin and not any(u.is_admin for _, u in imported):
            first = min(imported, key=lambda pair: pair[0])[1]
            first.is_admin = True
            first.save(only=[User.is_admin])
            self.report.warn(file, first.username, 'no administrator existed: this oldest account was made one')
        # accounts imported by an earlier run are needed to resolve owners
        for row in LegacyRecord.select().where(LegacyRecord.kind == 'user'):
            if row.legacy_key not in self.users and (user := User.get_or_none(User.id == row.target_id)):
                self.users[row.legacy_key] = user

    # categories and payment methods ----------------------------------------------------------------

    def _main_user_by_usage(self, expenses: list[tuple[str, dict]], field_names: tuple[str, ...]) -> dict[str, str]:
        """For records without an owner (v2.4 shared them): the user whose expenses use each one most."""
        usage: dict[str, Counter] = {}
        for _, record in expenses:
            if not isinstance(record, dict):
                continue
            owner = text_of(record, 'user', 'username', 'owner', 'user_id', 'created_by').lower()
            for name in field_names:
                legacy = legacy_id(record, name)
                if legacy and owner in self.users:
                    usage.setdefault(legacy, Counter())[owner] += 1
        return {legacy: counter.most_common(1)[0][0] for legacy, counter in usage.items()}

    def _default_owner(self) -> User:
        admins = [u for u in self.users.values() if u.is_admin]
        candidates = admins or list(self.users.values())
        if not candidates:
            raise Invalid(Message('users.json holds no account; nothing was imported.'))
        return min(candidates, key=lambda u: u.id)

    def import_categories(self, expenses: list[tuple[str, dict]]) -> None:
        file = 'categories.json'
        records = read_records(self.folder, file)
        by_key: dict[str, dict] = {}
        for key, record in records:
            if not isinstance(record, dict):
                raise RecordError(file, key, 'it is not an object')
            by_key[legacy_id(record, 'id') or key] = record
        users_of = self._main_user_by_usage(expenses, ('category_id', 'subcategory_id'))

        def depth(key: str, seen: tuple[str, ...] = ()) -> int:
            parent = legacy_id(by_key[key], 'parent_id', 'parent')
            if not parent or parent not in by_key or parent in seen or len(seen) > 20:
                return 0
            return 1 + depth(parent, (*seen, key))

        for key in sorted(by_key, key=lambda k: (depth(k), k)):
            self.current = (file, key)
            record = by_key[key]
            if (category := self._imported_before('category', Category, key)) is not None:
                self.categories[key] = category
                self.report.already['categories'] += 1
                continue
            name, owner = self._name_and_owner(file, key, record, users_of)
            parent = self._reference(file, key, record, self.categories, ('parent_id', 'parent'), _NO_PARENT)
            category = Category.create(
                owner=owner,
                name=name[:80],
                parent=parent,
                color=text_of(record, 'color', 'colour') or (parent.color if parent else '#6366f1'),
                icon=text_of(record, 'icon')[:40] or (parent.icon if parent else 'label'),
            )
            self._remember('category', key, category.id)
            self.categories[key] = category
            self.report.created['categories'] += 1

    def import_payment_methods(self, expenses: list[tuple[str, dict]]) -> None:
        file = 'payment_methods.json'
        users_of = self._main_user_by_usage(expenses, ('payment_method_id',))
        for key, record in read_records(self.folder, file):
            self.current = (file, key)
            if not isinstance(record, dict):
                raise RecordError(file, key, 'it is not an object')
            key = legacy_id(record, 'id') or key
            if (method := self._imported_before('payment_method', PaymentMethod, key)) is not None:
                self.methods[key] = method
                self.report.already['payment_methods'] += 1
                continue
            name, owner = self._name_and_owner(file, key, record, users_of)
            method = PaymentMethod.create(owner=owner, name=name[:80], icon=text_of(record, 'icon')[:40] or 'payments')
            self._remember('payment_method', key, method.id)
            self.methods[key] = method
            self.report.created['payment_methods'] += 1

    # expenses ---------------------------------------------------------------------------------------

    def _uncategorized(self, owner: User) -> Category:
        if owner.id not in self.uncategorized:
            category = Category.get_or_none(
                (Category.owner == owner) & (Category.name == UNCATEGORIZED) & Category.parent.is_null()
            )
            if category is None:
                category = Category.create(owner=owner, name=UNCATEGORIZED, color='#9ca3af', icon='help')
                self.report.created['categories'] += 1
            self.uncategorized[owner.id] = category
        return self.uncategorized[owner.id]

    def import_expenses(self, records: list[tuple[str, dict]]) -> None:
        file = 'expenses.json'
        for key, record in records:
            self.current = (file, key)
            if not isinstance(record, dict):
                raise RecordError(file, key, 'it is not an object')
            key = legacy_id(record, 'id') or key
            if self._seen('expense', key) is not None:
                self.report.already['expenses'] += 1
                continue
            owner = self._required_owner(file, key, record)
            try:
                cents = amount_cents(record.get('amount'))
            except Invalid as exc:
                raise RecordError(file, key, f'amount {record.get("amount")!r}: {exc.message}') from None
            if isinstance(record.get('amount'), str):
                self.report.warn(file, key, f'amount written as text {record["amount"]!r}, read as {cents / 100:.2f}')
            try:
                day: date = parse_date(str(record.get('date', '')).strip()[:10])
            except Invalid as exc:
                raise RecordError(file, key, f'date {record.get("date")!r}: {exc.message}') from None
            category, subcategory = self._expense_categories(file, key, record, owner)
            method = self._reference(
                file, key, record, self.methods, ('payment_method_id', 'payment_method'), _NO_METHOD
            )
            description = record.get('description')
            if description is None:
                description = ''
            latitude, longitude = coordinates(record)
            created = legacy_timestamp(record.get('created_at')) or utcnow()
            expense = Expense.create(
                owner=owner,
                amount_cents=cents,
                date=day,
                category=category,
                subcategory=subcategory,
                payment_method=method,
                description=str(description).strip()[:500],
                latitude=latitude,
                longitude=longitude,
                place=text_of(record, 'place', 'location', 'location_name', 'address')[:120],
                created_at=created,
                updated_at=legacy_timestamp(record.get('updated_at')) or created,
            )
            self._remember('expense', key, expense.id)
            self.report.created['expenses'] += 1

    def _expense_categories(self, file: str, key: str, record: dict, owner: User) -> tuple[Category, Category | None]:
        category_key = legacy_id(record, 'category_id', 'category')
        sub_key = legacy_id(record, 'subcategory_id', 'subcategory')
        category = self.categories.get(category_key) if category_key else None
        subcategory = self.categories.get(sub_key) if sub_key else None
        if sub_key and subcategory is None:
            self.report.warn(file, key, f'subcategory {sub_key} does not exist: imported without one')
        if category is not None and category.parent_id is not None and subcategory is None:
            category, subcategory = self.categories_parent(category), category
        if category is None:
            if subcategory is not None and subcategory.parent_id is not None:
                category = self.categories_parent(subcategory)
            else:
                why = f'category {category_key} does not exist' if category_key else 'it has no category'
                self.report.warn(file, key, f'{why}: filed under {UNCATEGORIZED!r}')
                category = self._uncategorized(owner)
        if subcategory is not None and subcategory.parent_id != category.id:
            self.report.warn(file, key, f'subcategory {sub_key} is not under its category: imported without one')
            subcategory = None
        return category, subcategory

    @staticmethod
    def categories_parent(category: Category) -> Category:
        return Category.get_by_id(category.parent_id)

    # links ------------------------------------------------------------------------------------------

    def import_links(self) -> None:
        file = 'user_links.json'
        for key, record in read_records(self.folder, file):
            self.current = (file, key)
            pairs = link_pairs(key, record)
            if pairs is None:
                raise RecordError(file, key, 'expected two usernames (user1 and user2)')
            for first, second in pairs:
                a, b = self.users.get(first.lower()), self.users.get(second.lower())
                if a is None or b is None:
                    missing = first if a is None else second
                    self.report.warn(file, key, f'user {missing!r} is not in users.json: link skipped')
                    continue
                if a.id == b.id:
                    self.report.warn(file, key, 'links a user to itself: skipped')
                    continue
                low, high = sorted((a, b), key=lambda u: u.id)
                legacy_key = f'{low.username_key}|{high.username_key}'
                if self._seen('link', legacy_key) is not None:
                    self.report.already['links'] += 1
                    continue
                link = UserLink.get_or_none((UserLink.user_a == low) & (UserLink.user_b == high))
                if link is None:
                    link = UserLink.create(user_a=low, user_b=high, status='active')
                    self.report.created['links'] += 1
                elif link.status != 'active':
                    link.status = 'active'
                    link.save(only=[UserLink.status])
                    self.report.created['links'] += 1
                else:
                    self.report.already['links'] += 1
                self._remember('link', legacy_key, link.id)


def import_legacy(folder: str | Path, *, dry_run: bool = False) -> ImportReport:
    """Import a v2.4 data folder in one transaction; with `dry_run`, report what would be imported."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise Invalid(
            Message('{folder} is not a folder; pass the data/ folder of What I Spend v2.4 with --dir.', folder=folder)
        )
    report = _Tally()
    importer = _Importer(folder, report)
    try:
        with write_transaction():
            expenses = read_records(folder, 'expenses.json')
            importer.import_users()
            importer.import_categories(expenses)
            importer.import_payment_methods(expenses)
            importer.import_expenses(expenses)
            importer.import_links()
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except RecordError as exc:
        raise Invalid(
            Message('{exc}. Nothing was imported; fix that record and run the import again.', exc=exc)
        ) from None
    except ServiceError:
        raise
    except Exception as exc:  # noqa: BLE001 - the transaction is rolled back; say where it happened
        file, key = importer.current
        where = f'{file}, record {key}' if file else str(folder)
        log.exception('legacy import failed at %s', where)
        raise Invalid(Message('{where}: {exc}. Nothing was imported.', where=where, exc=exc)) from None
    if not dry_run:
        log.info(
            'imported from %s: %s (already there: %s; %s warnings)',
            folder,
            dict(report.created),
            dict(report.already),
            len(report.warnings),
        )
    return ImportReport(
        folder=folder,
        dry_run=dry_run,
        created={kind: report.created[kind] for kind in KINDS},
        already={kind: report.already[kind] for kind in KINDS},
        warnings=tuple(report.warnings),
    )
