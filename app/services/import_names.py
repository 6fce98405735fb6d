"""The categories and payment methods an import files its rows under (issue 16, item 4).

A name of the file is matched with what the account already sees ignoring case, accents and spacing
('épicerie' is 'Epicerie '); a subcategory is looked for under its own parent. What does not exist is
listed (with how many rows use it) and created on confirmation through the categories and payment methods
services, or mapped by the person to an existing one (a subcategory of the file to an existing subcategory
or category, by its category and subcategory names). Matching is stricter than the services' own
uniqueness check (which ignores case only), so an import never creates a second item of a name the
account has. Only items every viewer of the user's expenses sees are used (`access.check_may_reference`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import Message, chosen
from app.models import Category, PaymentMethod, User
from app.services import access, categories, payment_methods
from app.services.errors import Invalid
from app.services.import_types import ImportOptions, NewName
from app.services.validation import clean_name

UNCATEGORISED = Message('Uncategorised')
UNSPECIFIED = Message('Unspecified')

CategoryKey = tuple[str, str]  # folded (category, subcategory or '')


class _FoldedCharacters(dict[int, str]):
    """A character -> what it becomes once folded (its compatibility decomposition without the combining marks,
    case-folded), worked out the first time the character is met. Folding is per character (decomposing,
    dropping marks and case folding look at no neighbour), so `str.translate` over this table folds a text as
    the whole-text normalisation did, in C for every character already met."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize('NFKD', chr(code))
        folded = ''.join(char for char in decomposed if not unicodedata.combining(char)).casefold()
        if len(self) < 65_536:
            self[code] = folded
        return folded


_FOLDED = _FoldedCharacters()


def fold(text: str | None) -> str:
    """The form names and descriptions are compared in: no accents, no case, single spaces."""
    if not text:
        return ''
    if text.isascii():  # most names and descriptions: no accents to take off
        return ' '.join(text.lower().split())
    return ' '.join(text.translate(_FOLDED).split())


@dataclass(slots=True)
class _Wanted:
    name: str  # as the file first wrote it
    parent_key: str = ''  # for a subcategory: the folded name of its parent


class NameBook:
    """What the account sees, by folded name, and what the file's rows ask for."""

    def __init__(self, user: User, options: ImportOptions) -> None:
        self.user = user
        mine = access.audience(user.id)
        usable_owners = [o for o in access.visible_owner_ids(user) if o == user.id or mine <= access.audience(o)]
        self._tops: dict[str, Category] = {}
        self._subs: dict[tuple[int, str], Category] = {}
        rows = Category.select().where(Category.owner.in_(usable_owners)).order_by(Category.id)
        # the user's own first: of two visible 'Food', the import uses its own
        for category in sorted(rows, key=lambda c: (c.owner_id != user.id, c.id)):
            if category.parent_id is None:
                self._tops.setdefault(fold(category.name), category)
            else:
                self._subs.setdefault((category.parent_id, fold(category.name)), category)
        methods = PaymentMethod.select().where(PaymentMethod.owner.in_(usable_owners)).order_by(PaymentMethod.id)
        self._methods: dict[str, PaymentMethod] = {}
        for method in sorted(methods, key=lambda m: (m.owner_id != user.id, m.id)):
            self._methods.setdefault(fold(method.name), method)
        self._category_map = {
            fold(name): categories.get_category(user, number, field='category_map')
            for name, number in options.category_map
        }
        self._subcategory_map = {
            (fold(parent), fold(name)): categories.get_category(user, number, field='subcategory_map')
            for parent, name, number in options.subcategory_map
        }
        self._method_map = {
            fold(name): payment_methods.get_payment_method(user, number, field='payment_method_map')
            for name, number in options.payment_method_map
        }
        language = user.language or chosen() or 'en'  # an account on 'automatic' speaks its page's language
        self._default_category = self._default(
            options.default_category, categories.get_category, 'default_category', UNCATEGORISED.render(language)
        )
        self._default_method = self._default(
            options.default_payment_method,
            payment_methods.get_payment_method,
            'default_payment_method',
            UNSPECIFIED.render(language),
        )
        self._wanted_tops: dict[str, _Wanted] = {}
        self._wanted_subs: dict[CategoryKey, _Wanted] = {}
        self._wanted_methods: dict[str, _Wanted] = {}
        self.created_categories: list[int] = []
        self.created_methods: list[int] = []
        self._category_ids: dict[CategoryKey, tuple[int, int | None]] = {}
        self._method_ids: dict[str, int] = {}
        self._keys: dict[tuple[str | None, str | None], CategoryKey] = {}  # a file repeats its few names
        self._method_keys: dict[str | None, str] = {}

    def _default(self, value: str | int | None, get, field: str, fallback: str) -> str:
        """The name rows without one get: an existing item's (by id) or the given name, else `fallback`."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return fallback
        if isinstance(value, int) or value.strip().isdigit():
            return get(self.user, value, field=field).name
        return clean_name(value, field=field)

    # --- reading the rows ----------------------------------------------------------------------------

    def category_key(self, name: str | None, subcategory: str | None) -> CategoryKey:
        """The key of a row's category; raises Invalid (field 'category'/'subcategory') for a bad name."""
        cached = self._keys.get((name, subcategory))
        if cached is None:
            cached = self._keys[(name, subcategory)] = self._category_key(name, subcategory)
        return cached

    def _category_key(self, name: str | None, subcategory: str | None) -> CategoryKey:
        shown = clean_name(name, field='category') if name and name.strip() else self._default_category
        top = fold(shown)
        mapped = self._category_map.get(top)
        if mapped is not None:
            if mapped.parent_id is not None:  # mapped to a subcategory: the row's own subcategory gives way
                return (f'#{mapped.parent_id}', f'#{mapped.id}')
            top = f'#{mapped.id}'
        elif top not in self._tops:
            self._wanted_tops.setdefault(top, _Wanted(shown))
        if not subcategory or not subcategory.strip():
            return (top, '')
        sub_shown = clean_name(subcategory, field='subcategory')
        sub = fold(sub_shown)
        parent = self._existing_top(top)
        chosen = self._subcategory_map.get((fold(shown), sub))
        if chosen is None and parent is not None:  # the report names an existing (or mapped) parent by its name
            chosen = self._subcategory_map.get((fold(parent.name), sub))
        if chosen is not None:  # the person filed this subcategory of the file under one of theirs
            if chosen.parent_id is not None:
                return (f'#{chosen.parent_id}', f'#{chosen.id}')
            return (f'#{chosen.id}', '')
        if parent is None or (parent.id, sub) not in self._subs:
            self._wanted_subs.setdefault((top, sub), _Wanted(sub_shown, top))
        return (top, sub)

    def method_key(self, name: str | None) -> str:
        cached = self._method_keys.get(name)
        if cached is None:
            cached = self._method_keys[name] = self._method_key(name)
        return cached

    def _method_key(self, name: str | None) -> str:
        shown = clean_name(name, field='payment_method') if name and name.strip() else self._default_method
        key = fold(shown)
        mapped = self._method_map.get(key)
        if mapped is not None:
            return f'#{mapped.id}'
        if key not in self._methods:
            self._wanted_methods.setdefault(key, _Wanted(shown))
        return key

    def _existing_top(self, top: str) -> Category | None:
        if top.startswith('#'):
            return Category.get_by_id(int(top[1:]))
        return self._tops.get(top)

    # --- what is missing --------------------------------------------------------------------------------

    def new_names(
        self, category_keys: Iterable[CategoryKey], method_keys: Iterable[str]
    ) -> tuple[tuple[NewName, ...], tuple[NewName, ...]]:
        """The categories and payment methods to create for these rows (one key per row), with their counts."""
        tops: Counter[str] = Counter()
        subs: Counter[CategoryKey] = Counter()
        for top, sub in category_keys:
            if top in self._wanted_tops:
                tops[top] += 1
            if sub and (top, sub) in self._wanted_subs:
                subs[(top, sub)] += 1
        methods = Counter(key for key in method_keys if key in self._wanted_methods)
        new_categories = [NewName(self._wanted_tops[key].name, None, count) for key, count in tops.items()]
        for (top, _sub), count in subs.items():
            parent = self._existing_top(top)
            parent_name = parent.name if parent is not None else self._wanted_tops[top].name
            new_categories.append(NewName(self._wanted_subs[(top, _sub)].name, parent_name, count))
        new_methods = [NewName(self._wanted_methods[key].name, None, count) for key, count in methods.items()]
        return tuple(new_categories), tuple(new_methods)

    # --- on confirmation -----------------------------------------------------------------------------

    def category_ids(self, key: CategoryKey) -> tuple[int, int | None]:
        """The (category, subcategory) ids of a key, creating what is missing (inside the import's transaction)."""
        found = self._category_ids.get(key)
        if found is not None:
            return found
        top, sub = key
        parent = self._existing_top(top)
        if parent is None:
            view = categories.create_category(self.user, self._wanted_tops[top].name)
            self.created_categories.append(view.id)
            parent = Category.get_by_id(view.id)
            self._tops[top] = parent
        sub_id: int | None = None
        if sub.startswith('#'):
            sub_id = int(sub[1:])
        elif sub:
            child = self._subs.get((parent.id, sub))
            if child is None:
                if parent.owner_id != self.user.id:
                    raise Invalid(
                        Message(
                            "'{name}' belongs to someone else; a subcategory goes under a category of the same "
                            'owner. Map the category to one of your own.',
                            name=parent.name,
                        ),
                        field='subcategory',
                    )
                view = categories.create_category(self.user, self._wanted_subs[key].name, parent_id=parent.id)
                self.created_categories.append(view.id)
                child = Category.get_by_id(view.id)
                self._subs[(parent.id, sub)] = child
            sub_id = child.id
        ids = (parent.id, sub_id)
        self._category_ids[key] = ids
        return ids

    def method_id(self, key: str) -> int:
        found = self._method_ids.get(key)
        if found is not None:
            return found
        if key.startswith('#'):
            number = int(key[1:])
        elif key in self._methods:
            number = self._methods[key].id
        else:
            view = payment_methods.create_payment_method(self.user, self._wanted_methods[key].name)
            self.created_methods.append(view.id)
            number = view.id
            self._methods[key] = PaymentMethod.get_by_id(number)
        self._method_ids[key] = number
        return number
