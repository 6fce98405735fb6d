"""Whose data a user may see. Every query of the product that reads or writes expenses, categories or
payment methods goes through `visible_owner_ids`: it is the one place where sharing is decided."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import cast

from app import prepared
from app.i18n import Message
from app.models import User, UserLink

# The links already read during one service call (`links_held`): user id -> linked user ids.
_HELD: ContextVar[dict[int, list[int]] | None] = ContextVar('held_links', default=None)


@contextmanager
def links_held() -> Iterator[None]:
    """Within the block, each user's links are read once: saving an expense asks who sees what seven times
    (the category, the payment method, each reference's audience, the row read back), all about the same one
    or two users, and a call that changes no link may answer them all from the first look (bench/peers.py)."""
    token = _HELD.set({})
    try:
        yield
    finally:
        _HELD.reset(token)


def linked_user_ids(user: User | int) -> list[int]:
    """Users directly linked to `user` by an accepted link (links are not transitive)."""
    user_id = user if isinstance(user, int) else user.id
    held = _HELD.get()
    if held is None:
        return _read_links(user_id)
    if user_id not in held:
        held[user_id] = _read_links(user_id)
    return list(held[user_id])


def _read_links(user_id: int) -> list[int]:
    rows = cast(  # .tuples() gives tuples; the stubs say models
        Iterable[tuple[int, int]],
        prepared.rows(
            'links of a user',  # every API call that reads or writes: its SQL built once (app/prepared.py)
            lambda: (
                UserLink.select(UserLink.user_a, UserLink.user_b)
                .join(User, on=((User.id == UserLink.user_a) | (User.id == UserLink.user_b)))
                .where(((UserLink.user_a == user_id) | (UserLink.user_b == user_id)) & (UserLink.status == 'active'))
                .tuples()
            ),
            [user_id, user_id, 'active'],
        ),
    )
    others = {b if a == user_id else a for a, b in rows}
    others.discard(user_id)
    active = User.select(User.id).where(User.id.in_(list(others)) & User.deleted_at.is_null()) if others else []
    return sorted(u.id for u in active)


def visible_owner_ids(user: User | int) -> list[int]:
    """The owners whose expenses, categories and payment methods `user` may see and edit."""
    user_id = user if isinstance(user, int) else user.id
    return [user_id, *linked_user_ids(user_id)]


def can_see(user: User | int, owner_id: int) -> bool:
    return owner_id in visible_owner_ids(user)


SCOPES = ('everyone', 'mine')


def check_scope(scope: str) -> str:
    if scope not in SCOPES:
        from app.services.errors import Invalid

        raise Invalid(Message('\'{scope}\' is not a scope; use "mine" or "everyone".', scope=scope), field='scope')
    return scope


def owner_ids_for(user: User | int, scope: str = 'everyone') -> list[int]:
    """The owners a list or a figure covers: `mine` (only the user's own) or `everyone` (own and linked)."""
    if check_scope(scope) == 'mine':
        return [user if isinstance(user, int) else user.id]
    return visible_owner_ids(user)


# Writes in a chain of links (A–B and B–C linked, A–C not). Links are not transitive, so B's data is seen by
# A and by C, who do not share with each other. The rules below keep every write from changing what a user
# the writer is not linked to sees (docs/security/chain.md):
# 1. a write to things seen by some users is allowed only when the writer is, or is linked to, every one of
#    them (`check_may_change`): in a chain only B may change B's things, while A and C still read them;
# 2. an expense may point at a category or payment method only when everyone who sees the expense also sees
#    that thing (`check_may_reference`), so nobody meets a name they cannot see, re-file or rename.


def audience(owner_id: int) -> set[int]:
    """Everyone who sees what `owner_id` owns: the owner and the users directly linked to them."""
    return set(visible_owner_ids(owner_id))


def outsiders(user: User | int, owner_ids: Iterable[int]) -> set[int]:
    """Those who see something owned by `owner_ids` but are neither `user` nor linked to `user`."""
    seen_by: set[int] = set()
    for owner_id in set(owner_ids):
        seen_by |= audience(owner_id)
    return seen_by - set(visible_owner_ids(user))


# One whole sentence per case (French agrees "vue"/"vu" with the noun): `what` picks it, `name` fills it.
_MAY_NOT_CHANGE: dict[str, Callable[[str], Message]] = {
    'category': lambda name: Message(
        "The category '{name}' is also seen by someone who does not share with you, so you may not change it; "
        'ask its owner to change it, or create your own.',
        name=name,
    ),
    'payment_method': lambda name: Message(
        "The payment method '{name}' is also seen by someone who does not share with you, so you may not "
        'change it; ask its owner to change it, or create your own.',
        name=name,
    ),
    'expense': lambda name: Message(
        'This expense is also seen by someone who does not share with you, so you may not change it; '
        'ask its owner to change it, or create your own.',
        name=name,
    ),
    'tag': lambda name: Message(
        "The tag '{name}' is also on expenses seen by someone who does not share with you, so you may not "
        'change it; ask its owner to change it, or use another tag.',
        name=name,
    ),
    'expense_in_category': lambda name: Message(
        "An expense filed under '{name}' is also seen by someone who does not share with you, so you may not "
        'change it; ask its owner to change it, or create your own.',
        name=name,
    ),
    'expense_with_payment_method': lambda name: Message(
        "An expense paid with '{name}' is also seen by someone who does not share with you, so you may not "
        'change it; ask its owner to change it, or create your own.',
        name=name,
    ),
}
_MAY_NOT_REFERENCE: dict[str, Callable[[str], Message]] = {
    'category': lambda name: Message(
        "The category '{name}' belongs to someone who does not share with everyone who sees this expense; "
        'choose one of your own.',
        name=name,
    ),
    'subcategory': lambda name: Message(
        "The subcategory '{name}' belongs to someone who does not share with everyone who sees this expense; "
        'choose one of your own.',
        name=name,
    ),
    'payment_method': lambda name: Message(
        "The payment method '{name}' belongs to someone who does not share with everyone who sees this "
        'expense; choose one of your own.',
        name=name,
    ),
    'move_target': lambda name: Message(
        "'{name}' belongs to someone who does not share with everyone who sees this expense; choose one of your own.",
        name=name,
    ),
}


def check_may_change(
    user: User | int, owner_ids: Iterable[int], what: str, name: str = '', *, field: str | None = 'id'
) -> None:
    """Refuse (409) a write to `what` (a key of _MAY_NOT_CHANGE, about the thing called `name`) when someone
    the writer is not linked to would see the change. The outsider's name is not given: the writer does not
    share with them."""
    from app.services.errors import Conflict

    if outsiders(user, owner_ids):
        raise Conflict(_MAY_NOT_CHANGE[what](name), field=field)


def check_may_reference(expense_owner_id: int, thing_owner_id: int, what: str, name: str, *, field: str) -> None:
    """Refuse (422) filing an expense under a category or payment method (`what`, a key of
    _MAY_NOT_REFERENCE, called `name`) that some of the expense's viewers cannot see: they could neither
    read its name rightly nor re-file the expense."""
    from app.services.errors import Invalid

    if not audience(expense_owner_id) <= audience(thing_owner_id):
        raise Invalid(_MAY_NOT_REFERENCE[what](name), field=field)
