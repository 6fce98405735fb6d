"""Links between users who share their data: invitations, links made by an admin, and unlinking.

A link joins two users; each then sees and may edit the expenses, categories and payment methods of
the other (access.visible_owner_ids decides it). From the app a user invites another by username and
the link exists once the other accepts; an administrator (Settings, CLI, API) links two users at once.

Unlinking loses nothing: an expense that uses a category or payment method of the other user gets a
copy of it in its owner's account, in the same transaction that removes the link, so every expense
and every total stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from peewee import IntegrityError

from app.db import write_transaction
from app.i18n import Message, Plural
from app.models import User, UserLink
from app.services import access, accounts, audit, link_copies
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.timestamps import Timestamp, as_utc

PENDING = 'pending'
ACTIVE = 'active'


# --- reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkView:
    """One link as seen by `me`: who the other user is (`user_id`, `username`), its state, who asked
    for it, and since when it exists."""

    id: int
    user_id: int
    username: str
    status: str
    invited_by_me: bool
    since: Timestamp


@dataclass(frozen=True, slots=True)
class Sharing:
    """Everything Settings › Sharing shows to one user."""

    linked: tuple[LinkView, ...]
    incoming: tuple[LinkView, ...]  # invitations waiting for my answer
    outgoing: tuple[LinkView, ...]  # invitations I sent that wait for the other's answer


def _pair(first: User, second: User) -> tuple[int, int]:
    return (first.id, second.id) if first.id < second.id else (second.id, first.id)


def _find_link(first: User, second: User) -> UserLink | None:
    a, b = _pair(first, second)
    return UserLink.get_or_none((UserLink.user_a == a) & (UserLink.user_b == b))


def _create_link(a: int, b: int, status: str, invited_by: int | None) -> UserLink:
    """Insert the pair's one row; a concurrent request that inserted it first makes this a Conflict."""
    try:
        with write_transaction():
            return UserLink.create(user_a=a, user_b=b, status=status, invited_by=invited_by)
    except IntegrityError:
        raise Conflict(
            Message('These two users were just linked or invited by another request; reload and check.')
        ) from None


def _view(link: UserLink, me: User, other: User) -> LinkView:
    return LinkView(
        link.id, other.id, other.username, link.status, link.invited_by_id == me.id, as_utc(link.created_at)
    )


def _views(me: User, status: str) -> list[LinkView]:
    rows = list(
        UserLink.select()
        .where(((UserLink.user_a == me.id) | (UserLink.user_b == me.id)) & (UserLink.status == status))
        .order_by(UserLink.created_at, UserLink.id)
    )
    other_ids = {row.user_b_id if row.user_a_id == me.id else row.user_a_id for row in rows}
    others = (
        {u.id: u for u in User.select().where(User.id.in_(list(other_ids)) & User.deleted_at.is_null())}
        if other_ids
        else {}
    )
    views = []
    for row in rows:
        other_id = row.user_b_id if row.user_a_id == me.id else row.user_a_id
        other = others.get(other_id)
        if other is None:  # a deleted account: its links are gone with it
            continue
        views.append(_view(row, me, other))
    return sorted(views, key=lambda v: v.username.lower())


def linked_users(me: User) -> list[LinkView]:
    """The users `me` shares data with (accepted links only)."""
    return _views(me, ACTIVE)


def sharing(me: User) -> Sharing:
    pending = _views(me, PENDING)
    return Sharing(
        linked=tuple(_views(me, ACTIVE)),
        incoming=tuple(v for v in pending if not v.invited_by_me),
        outgoing=tuple(v for v in pending if v.invited_by_me),
    )


def visible_users(me: User) -> list[User]:
    """The accounts `me` may know about: an admin knows everyone, others themselves and their linked users."""
    if me.is_admin:
        return accounts.list_users()
    ids = access.visible_owner_ids(me)
    return list(User.select().where(User.id.in_(ids) & User.deleted_at.is_null()).order_by(User.username_key))


@dataclass(frozen=True, slots=True)
class KnownUser:
    """An account `me` may know about, and how it stands to `me`."""

    id: int
    username: str
    is_admin: bool
    is_me: bool
    linked: bool
    created_at: Timestamp


def known_users(me: User) -> list[KnownUser]:
    """`visible_users`, each with whether it is `me` and whether `me` shares data with it."""
    linked = {view.user_id for view in linked_users(me)}
    return [
        KnownUser(u.id, u.username, bool(u.is_admin), u.id == me.id, u.id in linked, as_utc(u.created_at))
        for u in visible_users(me)
    ]


def linked_usernames() -> dict[int, list[str]]:
    """For every active user, the usernames it is linked with (the admin's list of users shows them)."""
    names = {u.id: u.username for u in accounts.list_users()}
    result: dict[int, list[str]] = {uid: [] for uid in names}
    for link in UserLink.select(UserLink.user_a, UserLink.user_b).where(UserLink.status == ACTIVE):
        a, b = link.user_a_id, link.user_b_id
        if a in names and b in names:
            result[a].append(names[b])
            result[b].append(names[a])
    return {uid: sorted(others, key=str.lower) for uid, others in result.items()}


# --- labels for lists and pickers ------------------------------------------------------------------


def owner_labels(me: User) -> dict[int, str]:
    """Username of every owner whose data `me` sees (itself included), for "created by" columns and filters."""
    ids = access.visible_owner_ids(me)
    return {u.id: u.username for u in User.select(User.id, User.username).where(User.id.in_(ids))}


def _field(item: object, name: str):
    return item[name] if isinstance(item, Mapping) else getattr(item, name)


def _owner_id(item: object) -> int:
    if isinstance(item, Mapping):
        return item['owner_id'] if 'owner_id' in item else item['owner']
    owner_id = getattr(item, 'owner_id', None)
    return owner_id if owner_id is not None else cast(Any, item).owner.id  # a model read without its owner_id


def label_duplicates(
    items: Iterable[object], chooser_id: int | None = None, *, keep: Iterable[int] = ()
) -> dict[int, str]:
    """Options for a picker of categories or payment methods that may belong to several linked users.

    Linked users often have the same names ("Food", "Card"), and choosing between "Food (alice)" and
    "Food (bob)" is a question nobody should have to answer: each name (case and spaces aside) appears once,
    standing for the chooser's own item. An item whose name only a linked user has still appears, and so
    does an item in `keep` (the value the picker already holds, e.g. the expense being edited), standing for
    its name in place of the chooser's. Otherwise the first item of a name in `items` order stands for it.

    `items` are models or dicts with `id`, `name` and `owner_id`. Returns {item id: name} in the order of
    `items`, ready for `ui.select(options=...)`.
    """
    items = list(items)
    kept = set(keep)

    def rank(item: object) -> int:
        if _field(item, 'id') in kept:
            return 0
        return 1 if chooser_id is not None and _owner_id(item) == chooser_id else 2

    standing: dict[str, object] = {}
    for item in items:
        name = ' '.join(str(_field(item, 'name')).split()).lower()
        if name not in standing or rank(item) < rank(standing[name]):
            standing[name] = item
    shown = {_field(item, 'id') for item in standing.values()}
    return {_field(item, 'id'): str(_field(item, 'name')) for item in items if _field(item, 'id') in shown}


# --- inviting ------------------------------------------------------------------------------------------


def _other(me: User, username: str) -> User:
    username = (username or '').strip()
    if not username:
        raise Invalid(Message('Type the username of the person to share with.'), field='username')
    other = accounts.find_user(username)
    if other is None:
        raise NotFound(
            Message(
                "No user named '{username}'; check the spelling with the person you want to share with.",
                username=username,
            )
        )
    if other.id == me.id:
        raise Invalid(
            Message('You cannot link your account with itself; type the username of someone else.'), field='username'
        )
    return other


def invite(me: User, username: str) -> LinkView:
    """Invite `username` to share data with `me`. If that user already invited `me`, this accepts it."""
    with write_transaction():
        other = _other(me, username)
        link = _find_link(me, other)
        if link is not None and link.status == ACTIVE:
            raise Conflict(Message('You already share your data with {name}.', name=other.username), field='username')
        if link is not None and link.invited_by_id == me.id:
            raise Conflict(
                Message('You already invited {username}; they have not answered yet.', username=other.username),
                field='username',
            )
        if link is not None:  # they invited me first: inviting them back is saying yes
            link.status = ACTIVE
            link.save()
        else:
            a, b = _pair(me, other)
            link = _create_link(a, b, PENDING, me.id)
        if link.status == ACTIVE:
            audit.record('link_created', me, detail=f'linked with {other.username} (accepted their invitation)')
        else:
            audit.record('link_changed', me, detail=f'invited {other.username} to share')
        return _view(link, me, other)


def _pending_with(me: User, username: str) -> tuple[UserLink, User]:
    other = _other(me, username)
    link = _find_link(me, other)
    if link is None or link.status != PENDING:
        raise NotFound(Message('There is no pending invitation between you and {username}.', username=other.username))
    return link, other


def accept(me: User, username: str) -> LinkView:
    """Accept the invitation that `username` sent to `me`: from now on both see each other's data."""
    with write_transaction():
        link, other = _pending_with(me, username)
        if link.invited_by_id == me.id:
            raise NotFound(
                Message('{name} has not invited you; your own invitation waits for their answer.', name=other.username)
            )
        link.status = ACTIVE
        link.save()
        audit.record('link_created', me, detail=f'linked with {other.username} (accepted their invitation)')
        return _view(link, me, other)


def decline(me: User, username: str) -> None:
    """Refuse the invitation that `username` sent to `me`."""
    with write_transaction():
        link, other = _pending_with(me, username)
        if link.invited_by_id == me.id:
            raise NotFound(
                Message('{name} has not invited you; to withdraw your own invitation, cancel it.', name=other.username)
            )
        link.delete_instance()
        audit.record('link_removed', me, detail=f'declined the invitation of {other.username}')


def cancel(me: User, username: str) -> None:
    """Withdraw the invitation that `me` sent to `username`."""
    with write_transaction():
        link, other = _pending_with(me, username)
        if link.invited_by_id != me.id:
            raise NotFound(
                Message('You did not invite {name}; to refuse their invitation, decline it.', name=other.username)
            )
        link.delete_instance()
        audit.record('link_removed', me, detail=f'withdrew the invitation to {other.username}')


# --- linking and unlinking two named users (admin, CLI, API) -------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkResult:
    user1: str
    user2: str
    status: str  # active (linked now) | pending (an invitation waits for user2)
    changed: bool  # False when the two were already linked

    def message(self, language: str = 'en') -> str:
        """What the administrator reads, in `language`."""
        if self.status == PENDING:
            text = Message('Invitation sent to {user2}; the link exists once they accept it.', user2=self.user2)
        elif not self.changed:
            text = Message(
                '{user1} and {user2} were already linked; nothing changed.', user1=self.user1, user2=self.user2
            )
        else:
            text = Message(
                'Linked {user1} and {user2}: each now sees and may edit the data of the other.',
                user1=self.user1,
                user2=self.user2,
            )
        return text.render(language)


def _two_users(user1: str, user2: str) -> tuple[User, User]:
    first = accounts.get_user_by_username(str(user1 or '').strip())
    second = accounts.get_user_by_username(str(user2 or '').strip())
    if first.id == second.id:
        raise Invalid(Message('user1 and user2 are the same account; name two different users.'), field='user2')
    return first, second


def link_users(actor: User | None, user1: str, user2: str) -> LinkResult:
    """Link two users. `actor` None (the CLI) or an admin links at once; any other user may only link
    itself, and its request becomes an invitation that the other must accept."""
    if actor is not None and not actor.is_admin:
        name1, name2 = str(user1 or '').strip().lower(), str(user2 or '').strip().lower()
        if actor.username_key not in (name1, name2):
            raise Forbidden(Message('You may only link your own account; only an administrator links two other users.'))
        other_name = user2 if name1 == actor.username_key else user1
        if name1 == name2:
            raise Invalid(Message('user1 and user2 are the same account; name two different users.'), field='user2')
        view = invite(actor, other_name)
        return LinkResult(actor.username, view.username, view.status, True)
    with write_transaction():
        first, second = _two_users(user1, user2)
        link = _find_link(first, second)
        if link is not None and link.status == ACTIVE:
            return LinkResult(first.username, second.username, ACTIVE, False)
        if link is not None:
            link.status = ACTIVE
            link.save()
        else:
            a, b = _pair(first, second)
            _create_link(a, b, ACTIVE, actor.id if actor else None)
        by = f' by {actor.username}' if actor else ' from the command line'
        audit.record('link_created', first, detail=f'linked with {second.username}{by}')
        return LinkResult(first.username, second.username, ACTIVE, True)


@dataclass(frozen=True, slots=True)
class UnlinkReport:
    """What an unlink did. Copies are made in the account of the expense's (or category's) owner."""

    user1: str
    user2: str
    was: str  # active | pending
    categories_copied: int = 0
    payment_methods_copied: int = 0
    expenses_repointed: int = 0

    def message(self, language: str = 'en') -> str:
        """What the administrator (or the person unlinking) reads, in `language`."""
        names = {'user1': self.user1, 'user2': self.user2}
        if self.was == PENDING:
            text = Message('Withdrew the pending invitation between {user1} and {user2}.', **names)
        elif not (self.expenses_repointed or self.categories_copied or self.payment_methods_copied):
            text = Message(
                'Unlinked {user1} and {user2}. Neither used the categories or payment methods of the other, so '
                'nothing needed copying; each keeps everything it created.',
                **names,
            )
        else:
            text = Message(
                "Unlinked {user1} and {user2}. {expenses} the other user's items: copied {categories} and "
                "{payment_methods} into their owner's account. No expense was lost.",
                expenses=Plural('{n} expense used', '{n} expenses used', n=self.expenses_repointed),
                categories=Plural('{n} category', '{n} categories', n=self.categories_copied),
                payment_methods=Plural('{n} payment method', '{n} payment methods', n=self.payment_methods_copied),
                **names,
            )
        return text.render(language)


def _unlink(first: User, second: User, link: UserLink, copies: link_copies.Copies) -> None:
    if link.status == ACTIVE:
        copies.separate(first, second)
        copies.separate(second, first)
    link.delete_instance()


def _report(user1: str, user2: str, was: str, copies: link_copies.Copies) -> UnlinkReport:
    return UnlinkReport(
        user1, user2, was, copies.categories_copied, copies.payment_methods_copied, copies.expenses_repointed
    )


def _unlink_one(first: User, second: User, link: UserLink) -> UnlinkReport:
    copies = link_copies.Copies()
    was = link.status
    _unlink(first, second, link, copies)
    return _report(first.username, second.username, was, copies)


def unlink_users(actor: User | None, user1: str, user2: str) -> UnlinkReport:
    """Remove the link (or pending invitation) between two users, in one transaction that first gives
    each expense's owner a copy of the other user's categories and payment methods it uses.
    `actor` None (the CLI) or an admin may unlink anyone; other users only themselves."""
    with write_transaction():
        first, second = _two_users(user1, user2)
        if actor is not None and not actor.is_admin and actor.id not in (first.id, second.id):
            raise Forbidden(
                Message('You may only unlink your own account; only an administrator unlinks two other users.')
            )
        link = _find_link(first, second)
        if link is None:
            raise NotFound(
                Message('{first} and {second} are not linked.', first=first.username, second=second.username)
            )
        by = f' by {actor.username}' if actor else ' from the command line'
        audit.record('link_removed', first, detail=f'unlinked from {second.username}{by}')
        return _unlink_one(first, second, link)


def unlink(me: User, username: str) -> UnlinkReport:
    """Stop sharing with `username` (Settings › Sharing)."""
    with write_transaction():
        other = _other(me, username)
        link = _find_link(me, other)
        if link is None or link.status != ACTIVE:
            raise NotFound(Message('You are not linked with {username}.', username=other.username))
        audit.record('link_removed', me, detail=f'stopped sharing with {other.username}')
        return _unlink_one(me, other, link)


def unlink_everyone(user: User) -> tuple[int, UnlinkReport]:
    """Remove every link and invitation of `user` (before its account is deleted); the caller holds the
    transaction. Returns how many links there were and the sum of what unlinking copied."""
    rows = list(UserLink.select().where((UserLink.user_a == user.id) | (UserLink.user_b == user.id)))
    copies = link_copies.Copies()
    for link in rows:
        _unlink(user, User.get_by_id(link.user_b_id if link.user_a_id == user.id else link.user_a_id), link, copies)
    return len(rows), _report(user.username, '*', ACTIVE, copies)


# --- currencies ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CurrencyDifference:
    """A linked account that counts in another currency than `me`. Amounts carry no currency of their
    own, so a total over both accounts adds the two as they are; the person should know it."""

    username: str
    currency: str
    my_currency: str

    def message(self, language: str = 'en') -> str:
        """What the person reads, in `language`."""
        return Message(
            '{username} counts in {currency}, you in {my_currency}: totals that mix your expenses add both as '
            'they are.',
            username=self.username,
            currency=self.currency,
            my_currency=self.my_currency,
        ).render(language)


def currency_differences(me: User) -> list[CurrencyDifference]:
    """The linked accounts whose currency differs from `me`'s (Settings › Sharing and the dashboard)."""
    others = access.linked_user_ids(me)
    if not others:
        return []
    mine = User.get_by_id(me.id).currency  # the page's copy may predate a change made in another tab
    rows = (
        User.select(User.username, User.currency)
        .where(User.id.in_(others) & (User.currency != mine))
        .order_by(User.username_key)
    )
    return [CurrencyDifference(row.username, row.currency, mine) for row in rows]
