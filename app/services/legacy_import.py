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
from app.services.legacy_import_owners import (
    changes,
    existing_category,
    existing_method,
    is_shared,
    roots_of,
    users_by_thing,
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
    changed: dict[str, int] = field(default_factory=dict)  # imported before, edited in v2.4 since
    updated: dict[str, int] = field(default_factory=dict)  # of those, updated (`update_changed`)


@dataclass(slots=True)
class _Tally:
    """The counts as the import goes."""

    created: Counter[str] = field(default_factory=Counter)
    already: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def warn(self, file: str, key: object, message: str) -> None:
        self.warnings.append(f'{file}, record {key!s}: {message}')


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run."""


# --- the import -------------------------------------------------------------------------------------


class _Importer:
    def __init__(self, folder: Path, report: _Tally, update_changed: bool = False) -> None:
        self.folder = folder
        self.report = report
        self.update_changed = update_changed
        self.users: dict[str, User] = {}  # legacy username (lower-case) -> account
        self.categories: dict[str, Category] = {}
        self.methods: dict[str, PaymentMethod] = {}
        # (legacy id, owner id) -> that owner's copy: a shared v2.4 item is copied to each user who uses it
        self.category_copies: dict[tuple[str, int], Category] = {}
        self.method_copies: dict[tuple[str, int], PaymentMethod] = {}
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

    def _default_owner(self) -> User:
        admins = [u for u in self.users.values() if u.is_admin]
        candidates = admins or list(self.users.values())
        if not candidates:
            raise Invalid(Message('users.json holds no account; nothing was imported.'))
        return min(candidates, key=lambda u: u.id)

    def _owners(self, shared: bool, users: set[str] | None, file: str, key: str, record: dict) -> list[User]:
        """A shared item goes to each user who uses it (else the default owner); an owned one to its owner."""
        if not shared:
            return [self._required_owner(file, key, record)]
        return [self.users[name] for name in sorted(users or ()) if name in self.users] or [self._default_owner()]

    def import_categories(self, expenses: list[tuple[str, dict]]) -> None:
        file = 'categories.json'
        records = read_records(self.folder, file)
        by_key: dict[str, dict] = {}
        for key, record in records:
            if not isinstance(record, dict):
                raise RecordError(file, key, 'it is not an object')
            by_key[legacy_id(record, 'id') or key] = record
        roots = roots_of(by_key)
        users_of = users_by_thing(expenses, ('category_id', 'category', 'subcategory_id', 'subcategory'), roots)

        def depth(key: str) -> int:
            level, seen = 0, {key}
            while (parent := legacy_id(by_key[key], 'parent_id', 'parent')) in by_key and parent not in seen:
                level, key = level + 1, parent
                seen.add(key)
            return level

        for key in sorted(by_key, key=lambda k: (depth(k), k)):
            self.current = (file, key)
            record, root = by_key[key], by_key[roots[key]]
            name = text_of(record, 'name')
            if not name:
                raise RecordError(file, key, 'it has no name')
            # the whole tree follows its top category: one owner for a category and its subcategories
            for owner in self._owners(is_shared(root), users_of.get(roots[key]), file, roots[key], root):
                self._category_copy(file, key, record, name, owner, shared=is_shared(root))

    def _category_copy(self, file: str, key: str, record: dict, name: str, owner: User, *, shared: bool) -> None:
        legacy_key = f'{key}@{owner.username_key}' if shared else key
        parent_key = legacy_id(record, 'parent_id', 'parent')
        parent = self.category_copies.get((parent_key, owner.id)) if parent_key else None
        if parent_key and parent is None:
            self.report.warn(file, key, _NO_PARENT.format(parent_key))
        category = self._imported_before('category', Category, legacy_key)
        if category is None and shared:  # the first importer made one row of it, under its legacy id alone
            category = self._imported_before('category', Category, key)
            category = category if category is not None and category.owner_id == owner.id else None
        if category is not None:
            self.report.already['categories'] += 1
        else:
            category = existing_category(owner, name[:80], parent)
            if category is not None:
                self.report.already['categories'] += 1
                self.report.warn(file, key, f'{owner.username} already has {category.name!r}: used instead')
            else:
                category = Category.create(
                    owner=owner,
                    name=name[:80],
                    parent=parent,
                    color=text_of(record, 'color', 'colour') or (parent.color if parent else '#6366f1'),
                    icon=text_of(record, 'icon')[:40] or (parent.icon if parent else 'label'),
                )
                self.report.created['categories'] += 1
            self._remember('category', legacy_key, category.id)
        self.category_copies[(key, owner.id)] = category
        self.categories.setdefault(key, category)

    def import_payment_methods(self, expenses: list[tuple[str, dict]]) -> None:
        file = 'payment_methods.json'
        users_of = users_by_thing(expenses, ('payment_method_id', 'payment_method'))
        for key, record in read_records(self.folder, file):
            self.current = (file, key)
            if not isinstance(record, dict):
                raise RecordError(file, key, 'it is not an object')
            key = legacy_id(record, 'id') or key
            name = text_of(record, 'name')
            if not name:
                raise RecordError(file, key, 'it has no name')
            shared = is_shared(record)
            for owner in self._owners(shared, users_of.get(key), file, key, record):
                legacy_key = f'{key}@{owner.username_key}' if shared else key
                method = self._imported_before('payment_method', PaymentMethod, legacy_key)
                if method is None and shared:
                    method = self._imported_before('payment_method', PaymentMethod, key)
                    method = method if method is not None and method.owner_id == owner.id else None
                if method is not None:
                    self.report.already['payment_methods'] += 1
                else:
                    method = existing_method(owner, name[:80])
                    if method is not None:
                        self.report.already['payment_methods'] += 1
                        self.report.warn(file, key, f'{owner.username} already has {method.name!r}: used instead')
                    else:
                        icon = text_of(record, 'icon')[:40] or 'payments'
                        method = PaymentMethod.create(owner=owner, name=name[:80], icon=icon)
                        self.report.created['payment_methods'] += 1
                    self._remember('payment_method', legacy_key, method.id)
                self.method_copies[(key, owner.id)] = method
                self.methods.setdefault(key, method)

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
            seen = LegacyRecord.get_or_none((LegacyRecord.kind == 'expense') & (LegacyRecord.legacy_key == key))
            warned = len(self.report.warnings)
            owner = self._required_owner(file, key, record)
            columns = self._expense_columns(file, key, record, owner)
            if seen is not None:
                del self.report.warnings[warned:]  # said at its first import
                self._check_changed(file, key, record, seen, columns)
                continue
            created = legacy_timestamp(record.get('created_at')) or utcnow()
            expense = Expense.create(
                owner=owner,
                created_at=created,
                updated_at=legacy_timestamp(record.get('updated_at')) or created,
                **columns,
            )
            self._remember('expense', key, expense.id)
            self.report.created['expenses'] += 1

    def _expense_columns(self, file: str, key: str, record: dict, owner: User) -> dict:
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
        method = None
        if legacy := legacy_id(record, 'payment_method_id', 'payment_method'):
            method = self.method_copies.get((legacy, owner.id)) or self.methods.get(legacy)
            if method is None:
                self.report.warn(file, key, _NO_METHOD.format(legacy))
        description = record.get('description')
        latitude, longitude = coordinates(record)
        return {
            'amount_cents': cents,
            'date': day,
            'category': category,
            'subcategory': subcategory,
            'payment_method': method,
            'description': str(description if description is not None else '').strip()[:500],
            'latitude': latitude,
            'longitude': longitude,
            'place': text_of(record, 'place', 'location', 'location_name', 'address')[:120],
        }

    def _check_changed(self, file: str, key: str, record: dict, seen: LegacyRecord, columns: dict) -> None:
        """An expense imported before: edited in v2.4 since (it differs, and v2.4 dates the edit after the
        import, or does not date it) is reported, and updated with `update_changed`."""
        expense = Expense.get_or_none(Expense.id == seen.target_id)
        edited = legacy_timestamp(record.get('updated_at'))
        different = changes(expense, columns) if expense is not None else []
        if not different or (edited is not None and edited <= seen.imported_at):
            self.report.already['expenses'] += 1
            return
        self.report.changed['expenses'] += 1
        what = ', '.join(different)
        if not self.update_changed:
            self.report.warn(file, key, f'edited in v2.4 since the last import ({what}): --update-changed updates it')
            return
        Expense.update(updated_at=edited or utcnow(), **columns).where(Expense.id == seen.target_id).execute()
        LegacyRecord.update(imported_at=utcnow()).where(LegacyRecord.id == seen.id).execute()
        self.report.updated['expenses'] += 1
        self.report.warn(file, key, f'edited in v2.4 since the last import ({what}): updated')

    def _expense_categories(self, file: str, key: str, record: dict, owner: User) -> tuple[Category, Category | None]:
        category_key = legacy_id(record, 'category_id', 'category')
        sub_key = legacy_id(record, 'subcategory_id', 'subcategory')
        category = self._category_for(category_key, owner)
        subcategory = self._category_for(sub_key, owner)
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

    def _category_for(self, key: str, owner: User) -> Category | None:
        """The owner's copy of a shared category, else the one imported under that legacy id."""
        if not key:
            return None
        return self.category_copies.get((key, owner.id)) or self.categories.get(key)

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


def import_legacy(folder: str | Path, *, dry_run: bool = False, update_changed: bool = False) -> ImportReport:
    """Import a v2.4 data folder in one transaction; with `dry_run`, report what would be imported; with
    `update_changed`, expenses edited in v2.4 since they were imported are updated (else only reported)."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise Invalid(
            Message('{folder} is not a folder; pass the data/ folder of What I Spend v2.4 with --dir.', folder=folder)
        )
    report = _Tally()
    importer = _Importer(folder, report, update_changed)
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
        changed={kind: report.changed[kind] for kind in KINDS},
        updated={kind: report.updated[kind] for kind in KINDS},
    )
