"""Balances between linked users and settling up (issue 20).

A member's balance is what they paid for others' shares minus what others paid for theirs, plus the
settlements they sent, minus those they received: more than zero, they are owed; less, they owe. Over any
set of members the balances sum to zero. Balances are kept between each pair of users who shared an
expense; links are not transitive, so only pairs of linked users owe each other.

The suggestion to settle up: when everyone in the household is linked to everyone, the fewest transfers
(the largest debt paid to the largest claim, again until all is settled: at most n-1 transfers);
otherwise (a chain A-B-C where A and C are not linked) one transfer per linked pair that owes something.

A settlement is a reimbursement, never spending: it lives in its own table, so the dashboard, budgets and
the exports of spending never count it. Unlinking keeps the history: what the two owed each other stays,
shown to both as a former link's balance until they settle it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from app.db import write_transaction
from app.i18n import Message
from app.models import Expense, ExpenseShare, ExpenseSplit, Settlement, User
from app.services import access, settlement_currency
from app.services.clock import today
from app.services.conversion import counted
from app.services.errors import Invalid, NotFound
from app.services.money import cents_to_number, cents_to_text, parse_amount
from app.services.months import Month, parse_date
from app.services.splits_types import Balances, MemberBalance, PairBalance, SettlementRow, Transfer
from app.services.timestamps import as_date, as_utc
from app.services.validation import is_blank, parse_id

Pairs = dict[tuple[int, int], int]  # (a, b) with a < b: what a owes b (less than zero: b owes a)


def _add(pairs: Pairs, debtor: int, creditor: int, cents: int) -> None:
    if debtor == creditor:
        return
    if debtor < creditor:
        pairs[(debtor, creditor)] += cents
    else:
        pairs[(creditor, debtor)] -= cents


def _in_period(column: Any, month: Month | None) -> Any:
    return column.between(month.first_day, month.last_day) if month is not None else True


def _share_rows(where: Any, month: Month | None) -> Iterable[tuple[int, int, int]]:
    """(payer, member, cents) of the shares matching `where`, in the period."""
    query = (
        ExpenseShare.select(ExpenseSplit.paid_by, ExpenseShare.user, ExpenseShare.share_cents)
        .join(ExpenseSplit, on=(ExpenseShare.split == ExpenseSplit.id))
        .join(Expense, on=(ExpenseSplit.expense == Expense.id))
        .where(where & _in_period(Expense.date, month) & counted())  # not while its rate is missing
        .tuples()
    )
    return query  # type: ignore[return-value]  # .tuples() gives tuples; the stubs say models


def _settlement_rows(where: Any, month: Month | None) -> Iterable[tuple[int, int, int]]:
    query = (
        Settlement.select(Settlement.from_user, Settlement.to_user, Settlement.amount_cents)
        .where(where & _in_period(Settlement.date, month) & ~Settlement.rate_missing)  # not while its rate is missing
        .tuples()
    )
    return query  # type: ignore[return-value]  # as above


def fewest_transfers(balances: dict[int, int]) -> list[tuple[int, int, int]]:
    """(from, to, cents) that bring every balance to zero, at most n-1 of them: the largest debt pays the
    largest claim until nothing is left (ties by user id, so the plan is always the same)."""
    owing = {user: -cents for user, cents in balances.items() if cents < 0}
    owed = {user: cents for user, cents in balances.items() if cents > 0}
    plan = []
    while owing and owed:
        debtor = min(owing, key=lambda u: (-owing[u], u))
        creditor = min(owed, key=lambda u: (-owed[u], u))
        cents = min(owing[debtor], owed[creditor])
        plan.append((debtor, creditor, cents))
        for side, user in ((owing, debtor), (owed, creditor)):
            side[user] -= cents
            if not side[user]:
                del side[user]
    return plan


def pairwise_transfers(pairs: Pairs) -> list[tuple[int, int, int]]:
    """One transfer per pair that owes something."""
    plan = []
    for (a, b), cents in sorted(pairs.items()):
        if cents > 0:
            plan.append((a, b, cents))
        elif cents < 0:
            plan.append((b, a, -cents))
    return plan


def _is_household(members: list[int]) -> bool:
    """Everyone linked to everyone."""
    everyone = set(members)
    return all(everyone <= set(access.visible_owner_ids(member)) for member in members)


def balances(user: User, month: Month | None = None) -> Balances:
    """The household as `user` sees it over `month` (None: all time); see the module."""
    members = access.visible_owner_ids(user)
    names = {u.id: u.username for u in User.select(User.id, User.username).where(User.id.in_(members))}
    paid: dict[int, int] = defaultdict(int)
    share: dict[int, int] = defaultdict(int)
    sent: dict[int, int] = defaultdict(int)
    received: dict[int, int] = defaultdict(int)
    pairs: Pairs = defaultdict(int)
    inside = ExpenseSplit.paid_by.in_(members) & ExpenseShare.user.in_(members) & Expense.owner.in_(members)
    for payer, member, cents in _share_rows(inside, month):
        paid[payer] += cents
        share[member] += cents
        _add(pairs, member, payer, cents)
    between = Settlement.from_user.in_(members) & Settlement.to_user.in_(members)
    for sender, receiver, cents in _settlement_rows(between, month):
        sent[sender] += cents
        received[receiver] += cents
        _add(pairs, receiver, sender, cents)
    net = {m: paid[m] - share[m] + sent[m] - received[m] for m in members}
    household = _is_household(members)
    plan = fewest_transfers(net) if household else pairwise_transfers(pairs)
    return Balances(
        month=str(month) if month is not None else 'all',
        currency=user.currency,
        household=household,
        members=tuple(
            MemberBalance(
                user_id=m,
                username=names.get(m, ''),
                paid_cents=paid[m],
                share_cents=share[m],
                sent_cents=sent[m],
                received_cents=received[m],
                balance_cents=net[m],
                paid=cents_to_number(paid[m]),
                share=cents_to_number(share[m]),
                balance=cents_to_number(net[m]),
            )
            for m in sorted(members, key=lambda m: (m != user.id, names.get(m, '').lower()))
        ),
        suggestions=tuple(_transfer(debtor, creditor, cents, names) for debtor, creditor, cents in plan),
        former=tuple(former_balances(user, set(members))),
        settlements=tuple(_settlements(members, month)),
    )


def _transfer(debtor: int, creditor: int, cents: int, names: dict[int, str]) -> Transfer:
    return Transfer(
        from_user_id=debtor,
        from_username=names.get(debtor, ''),
        to_user_id=creditor,
        to_username=names.get(creditor, ''),
        amount_cents=cents,
        amount=cents_to_number(cents),
    )


def pair_balance(me: int, other: int) -> int:
    """All time, between two users whether linked or not: more than zero, `other` owes `me`."""
    pairs: Pairs = defaultdict(int)
    both = ExpenseSplit.paid_by.in_([me, other]) & ExpenseShare.user.in_([me, other])
    for payer, member, cents in _share_rows(both, None):
        _add(pairs, member, payer, cents)
    between = Settlement.from_user.in_([me, other]) & Settlement.to_user.in_([me, other])
    for sender, receiver, cents in _settlement_rows(between, None):
        _add(pairs, receiver, sender, cents)
    owed = pairs.get((min(me, other), max(me, other)), 0)
    return owed if other < me else -owed


def former_balances(user: User, members: set[int]) -> list[PairBalance]:
    """What stays with users `user` shared expenses with but is no longer linked to (all time)."""
    mine = (ExpenseSplit.paid_by == user.id) | (ExpenseShare.user == user.id)
    others = {payer if member == user.id else member for payer, member, _ in _share_rows(mine, None)}
    others -= members
    out = []
    for other_id in sorted(others):
        cents = pair_balance(user.id, other_id)
        other = User.get_or_none(User.id == other_id)
        if cents and other is not None:
            out.append(PairBalance(user_id=other_id, username=other.username, balance_cents=cents,
                                   balance=cents_to_number(cents)))  # fmt: skip
    return out


# --- settlements --------------------------------------------------------------------------------------


def _settlements(members: list[int], month: Month | None) -> list[SettlementRow]:
    Receiver = User.alias('receiver')
    query = (
        Settlement.select(Settlement, User.username.alias('sender'), Receiver.username.alias('receiver'))
        .join(User, on=(Settlement.from_user == User.id))
        .switch(Settlement)
        .join(Receiver, on=(Settlement.to_user == Receiver.id))
        .where(Settlement.from_user.in_(members) & Settlement.to_user.in_(members) & _in_period(Settlement.date, month))
        .order_by(Settlement.date.desc(), Settlement.id.desc())
        .limit(200)
        .objects()
    )
    return [_settlement_row(s, s.sender, s.receiver) for s in query]  # type: ignore[attr-defined]


def _settlement_row(s: Settlement, sender: str, receiver: str) -> SettlementRow:
    return SettlementRow(
        id=s.id,
        from_user_id=s.from_user_id,
        from_username=sender,
        to_user_id=s.to_user_id,
        to_username=receiver,
        amount_cents=s.amount_cents,
        amount=cents_to_number(s.amount_cents),
        date=as_date(s.date),
        created_at=as_utc(s.created_at),
        currency=s.currency,
        original_cents=s.original_cents,
        rate_missing=bool(s.rate_missing),
    )


def _may_settle_with(user: User, other_id: int) -> bool:
    """Linked now, or a former link with a shared history (what they owe each other is kept)."""
    if other_id in access.visible_owner_ids(user):
        return True
    mine = ((ExpenseSplit.paid_by == user.id) & (ExpenseShare.user == other_id)) | (
        (ExpenseSplit.paid_by == other_id) & (ExpenseShare.user == user.id)
    )
    return any(True for _ in _share_rows(mine, None))


def _person(value: object, field: str) -> int:
    if is_blank(value):
        raise Invalid(Message('Choose who pays and who is paid back.'), field=field)
    return parse_id(value, field=field)


def create_settlement(
    user: User, from_user_id: object, to_user_id: object, amount: object, day: object = None, currency: object = None
) -> SettlementRow:
    """Record that `from_user_id` paid `to_user_id` back `amount` (partial or whole). One of the two is
    `user`, or both are linked to `user` and to each other; anyone else answers 404. In `currency` (blank: the
    household's), converted at the rate of its date, or marked while that rate is missing (settlement_currency)."""
    sender = _person(from_user_id, 'from_user_id')
    receiver = _person(to_user_id, 'to_user_id')
    cents = parse_amount(amount)
    when = today(user.timezone) if is_blank(day) else parse_date(day)
    money = settlement_currency.columns(user.currency, currency, cents, when)
    if sender == receiver:
        raise Invalid(Message('A settlement is between two different people.'), field='to_user_id')
    with write_transaction():
        if user.id in (sender, receiver):
            other, field = (receiver, 'to_user_id') if sender == user.id else (sender, 'from_user_id')
            if not _may_settle_with(user, other):
                raise NotFound(Message('No user {id} shares with you.', id=other), field=field)
        else:
            seen = access.visible_owner_ids(user)
            for who, field in ((sender, 'from_user_id'), (receiver, 'to_user_id')):
                if who not in seen:
                    raise NotFound(Message('No user {id} shares with you.', id=who), field=field)
            if receiver not in access.visible_owner_ids(sender):
                raise NotFound(Message('No user {id} shares with you.', id=receiver), field='to_user_id')
        row = Settlement.create(from_user=sender, to_user=receiver, date=when, created_by=user.id, **money)
    names = {u.id: u.username for u in User.select(User.id, User.username).where(User.id.in_([sender, receiver]))}
    return _settlement_row(row, names.get(sender, ''), names.get(receiver, ''))


def delete_settlement(user: User, settlement_id: object) -> SettlementRow:
    """Undo a settlement: only the two people it is between, or who recorded it, may."""
    number = parse_id(settlement_id, field='id')
    with write_transaction():
        row = Settlement.get_or_none(Settlement.id == number)
        if row is None or user.id not in (row.from_user_id, row.to_user_id, row.created_by_id):
            raise NotFound(Message('Settlement {number} does not exist.', number=number), field='id')
        ids = [row.from_user_id, row.to_user_id]
        names = {u.id: u.username for u in User.select(User.id, User.username).where(User.id.in_(ids))}
        snapshot = _settlement_row(row, names.get(row.from_user_id, ''), names.get(row.to_user_id, ''))
        row.delete_instance()
    return snapshot


def restore_settlement(user: User, snapshot: SettlementRow) -> SettlementRow:
    """Undo a deletion: the same settlement recorded again."""
    cents = snapshot.original_cents if snapshot.original_cents is not None else snapshot.amount_cents
    return create_settlement(
        user, snapshot.from_user_id, snapshot.to_user_id, cents_to_text(cents), snapshot.date, snapshot.currency
    )
