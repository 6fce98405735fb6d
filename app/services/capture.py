"""What the offline capture page (/capture) keeps for the moments without signal: the choices of the expense
form as they are at the last online visit, stored by the browser in IndexedDB.

The page has no server to ask while it records, so it gets everything at once: the categories with their
subcategories and the payment methods the user may choose (a name that linked users share appears once, as
in the expense dialog), and the last category and payment method used, preselected as the dialog does.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import User
from app.services import categories, expenses, payment_methods
from app.services.links import label_duplicates


@dataclass(frozen=True, slots=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class CategoryChoice:
    id: int
    name: str
    subcategories: tuple[Choice, ...]


@dataclass(frozen=True, slots=True)
class CaptureLists:
    """The lists the capture page offers, for one user (`user_id`: a queue recorded under another account
    waits for that account)."""

    user_id: int
    username: str
    categories: tuple[CategoryChoice, ...]
    payment_methods: tuple[Choice, ...]
    last_category_id: int | None
    last_subcategory_id: int | None
    last_payment_method_id: int | None


def capture_lists(user: User) -> CaptureLists:
    tree = categories.category_tree(user)
    shown = label_duplicates(tree, user.id)
    category_choices = []
    for node in tree:
        if node.id not in shown:
            continue
        children = label_duplicates(node.children, user.id)
        category_choices.append(
            CategoryChoice(node.id, shown[node.id], tuple(Choice(i, name) for i, name in children.items()))
        )
    methods = label_duplicates(payment_methods.list_payment_methods(user), user.id)
    last = expenses.last_choices(user)
    category = next((c for c in category_choices if c.id == last.category_id), None)
    subcategory_ids = {s.id for s in category.subcategories} if category is not None else set()
    return CaptureLists(
        user_id=user.id,
        username=user.username,
        categories=tuple(category_choices),
        payment_methods=tuple(Choice(i, name) for i, name in methods.items()),
        last_category_id=category.id if category is not None else None,
        last_subcategory_id=last.subcategory_id if last.subcategory_id in subcategory_ids else None,
        last_payment_method_id=last.payment_method_id if last.payment_method_id in methods else None,
    )
