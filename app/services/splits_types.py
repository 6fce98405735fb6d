"""What the splits and balances services return (issue 20): frozen dataclasses the API serialises as they
are and the pages read by attribute."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.services.timestamps import Timestamp

__all__ = [
    'Balances',
    'HouseholdMember',
    'MemberBalance',
    'PairBalance',
    'SettlementRow',
    'Share',
    'SplitForm',
    'SplitView',
    'Transfer',
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Share:
    """One member's part of a split expense. `part` is what the split gave for them: a weight (shares), an
    amount (amounts) or a percent (percent); None for an equal split."""

    user_id: int
    username: str
    amount_cents: int
    amount: float
    part: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitView:
    """How an expense is shared: `members` in the split's order (the payer first when they share), `parts`
    as the client sent them (empty for `equal`), and each member's share in cents (adding up to the amount)."""

    mode: str
    members: tuple[int, ...]
    parts: tuple[float, ...]
    shares: tuple[Share, ...]


@dataclass(frozen=True, slots=True)
class HouseholdMember:
    id: int
    username: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitForm:
    """What the expense form needs to show and edit a split: the people who may pay or share (the owner and
    the users linked to them), the owner, the payer, and the current split (None: just the owner)."""

    members: tuple[HouseholdMember, ...]
    owner_id: int
    paid_by: int
    split: SplitView | None
    default_split: str  # what a new expense starts with: me or equal (always me for an existing one)
    frozen: bool = False  # shared with someone no longer linked: kept as it was


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberBalance:
    """A member over the period: what they paid for the household, their share of it, settlements sent and
    received, and the net (`balance`: more than zero, they are owed; less, they owe)."""

    user_id: int
    username: str
    paid_cents: int
    share_cents: int
    sent_cents: int
    received_cents: int
    balance_cents: int
    paid: float
    share: float
    balance: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Transfer:
    """A suggested payment that settles balances: `from_user_id` pays `to_user_id`."""

    from_user_id: int
    from_username: str
    to_user_id: int
    to_username: str
    amount_cents: int
    amount: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PairBalance:
    """What stays between the caller and a user they are no longer linked to (kept at unlinking):
    more than zero, the other owes the caller; less, the caller owes them."""

    user_id: int
    username: str
    balance_cents: int
    balance: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SettlementRow:
    id: int
    from_user_id: int
    from_username: str
    to_user_id: int
    to_username: str
    amount_cents: int
    amount: float
    date: dt.date
    created_at: Timestamp
    currency: str | None = None  # the currency it was recorded in (issue 20); None: before currencies
    original_cents: int | None = None  # its amount in that currency
    rate_missing: bool = False  # in another currency whose rate of that date is missing: moves no balance yet


@dataclass(frozen=True, slots=True, kw_only=True)
class Balances:
    """The household as the caller sees it: members (the caller and the users linked to them) with their
    figures over the period (`month`: YYYY-MM, or all), whether everyone is linked to everyone (then the
    suggestion is the fewest transfers, at most n-1; otherwise one per linked pair), what stays with former
    links, and the settlements of the period."""

    month: str
    currency: str
    household: bool
    members: tuple[MemberBalance, ...]
    suggestions: tuple[Transfer, ...]
    former: tuple[PairBalance, ...]
    settlements: tuple[SettlementRow, ...]
