"""Whose data a user may see. Every query of the product that reads or writes expenses, categories or
payment methods goes through `visible_owner_ids`: it is the one place where sharing is decided."""

from __future__ import annotations

from app.models import User, UserLink


def linked_user_ids(user: User | int) -> list[int]:
    """Users directly linked to `user` by an accepted link (links are not transitive)."""
    user_id = user if isinstance(user, int) else user.id
    rows = (
        UserLink.select(UserLink.user_a, UserLink.user_b)
        .join(User, on=((User.id == UserLink.user_a) | (User.id == UserLink.user_b)))
        .where(((UserLink.user_a == user_id) | (UserLink.user_b == user_id)) & (UserLink.status == 'active'))
        .tuples()
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


def owner_ids_for(user: User | int, scope: str = 'everyone') -> list[int]:
    """The owners a list or a figure covers: `mine` (only the user's own) or `everyone` (own and linked)."""
    if scope == 'mine':
        return [user if isinstance(user, int) else user.id]
    if scope != 'everyone':
        from app.services.errors import Invalid

        raise Invalid(f'{scope!r} is not a scope; use "mine" or "everyone".', field='scope')
    return visible_owner_ids(user)
