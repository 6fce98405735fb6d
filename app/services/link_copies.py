"""What unlinking copies: an expense (or subcategory) of one user that uses a category or payment method
of the other gets a copy of it in its owner's account, so that no expense and no total changes.

Apart from `links` because it is pure data work on categories, payment methods and expenses, run inside
the unlink's own transaction.
"""

from __future__ import annotations

from peewee import Field

from app.db import write_transaction
from app.models import Category, Expense, PaymentMethod, User


class Copies:
    """Copies of one owner's categories and payment methods into another account, made once each, and
    how many there were."""

    def __init__(self) -> None:
        self.categories: dict[tuple[int, int], Category] = {}
        self.methods: dict[tuple[int, int], PaymentMethod] = {}
        self.expenses_repointed = 0

    @property
    def categories_copied(self) -> int:
        return len(self.categories)

    @property
    def payment_methods_copied(self) -> int:
        return len(self.methods)

    def separate(self, owner: User, other: User) -> None:
        """Give `owner` its own copy of every item of `other` that `owner`'s expenses or categories use."""
        with write_transaction():  # a savepoint inside the unlink's own transaction
            # Categories of `owner` under a parent of `other` (a subcategory made inside a shared category).
            other_categories = Category.select(Category.id).where(Category.owner == other.id)
            orphans = Category.select().where((Category.owner == owner.id) & Category.parent.in_(other_categories))
            for child in list(orphans):
                child.parent = self._category(Category.get_by_id(child.parent_id), owner.id)
                child.save(only=[Category.parent])

            # Expenses of `owner` using a category, subcategory or payment method of `other`: one UPDATE per item
            # used (a household has tens of them), not one per expense (it may have tens of thousands).
            other_methods = PaymentMethod.select(PaymentMethod.id).where(PaymentMethod.owner == other.id)
            mine = Expense.owner == owner.id
            self.expenses_repointed += (
                Expense.select()
                .where(
                    mine
                    & (
                        Expense.category.in_(other_categories)
                        | Expense.subcategory.in_(other_categories)
                        | Expense.payment_method.in_(other_methods)
                    )
                )
                .count()
            )
            column: Field
            for column in (Expense.category, Expense.subcategory):
                for category_id in list(
                    Expense.select(column).distinct().where(mine & column.in_(other_categories)).scalars()
                ):
                    copy = self._category(Category.get_by_id(category_id), owner.id)
                    Expense.update({column: copy.id}).where(mine & (column == category_id)).execute()
            used = (
                Expense.select(Expense.payment_method)
                .distinct()
                .where(mine & Expense.payment_method.in_(other_methods))
            )
            for method_id in list(used.scalars()):
                method = self._payment_method(PaymentMethod.get_by_id(method_id), owner.id)
                Expense.update({Expense.payment_method: method.id}).where(
                    mine & (Expense.payment_method == method_id)
                ).execute()

    def _category(self, original: Category, owner_id: int) -> Category:
        key = (original.id, owner_id)
        if key not in self.categories:
            parent = None
            if original.parent_id is not None:
                parent_row = Category.get_by_id(original.parent_id)
                parent = parent_row if parent_row.owner_id == owner_id else self._category(parent_row, owner_id)
            self.categories[key] = Category.create(
                owner=owner_id,
                name=original.name,
                parent=parent,
                color=original.color,
                icon=original.icon,
            )
        return self.categories[key]

    def _payment_method(self, original: PaymentMethod, owner_id: int) -> PaymentMethod:
        key = (original.id, owner_id)
        if key not in self.methods:
            self.methods[key] = PaymentMethod.create(owner=owner_id, name=original.name, icon=original.icon)
        return self.methods[key]
