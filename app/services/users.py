"""Accounts: creation, lookup, authentication, preferences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.db import write_transaction
from app.i18n import Message, Plural
from app.models import RecoveryCode, User, utcnow
from app.services import audit, passwords, presets
from app.services.accounts import active
from app.services.accounts import count_users as count_users  # re-exported: callers say users.find_user(...)
from app.services.accounts import find_user as find_user
from app.services.accounts import get_user as get_user
from app.services.accounts import get_user_by_username as get_user_by_username
from app.services.accounts import list_users as list_users
from app.services.accounts import users_exist as users_exist
from app.services.credentials import validate_password as validate_password  # re-exported: users.validate_...
from app.services.credentials import validate_username as validate_username
from app.services.errors import Conflict, Forbidden, Invalid
from app.services.preferences import CURRENCIES as CURRENCIES  # re-exported: users.CURRENCIES, ...
from app.services.preferences import LANGUAGE_CHOICES as LANGUAGE_CHOICES
from app.services.preferences import LOCALES as LOCALES
from app.services.preferences import THEMES as THEMES
from app.services.preferences import check_language, check_locale
from app.services.preferences import update_preferences as update_preferences


@dataclass(frozen=True, slots=True)
class UserView:
    """What pages and the API may show of an account (never the hash)."""

    id: int
    username: str
    is_admin: bool
    theme: str
    currency: str
    locale: str
    timezone: str
    capture_location: bool
    language: str = ''  # '' = automatic (the browser's); else a code of app.i18n.LANGUAGES

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(
            user.id,
            user.username,
            bool(user.is_admin),
            user.theme,
            user.currency,
            user.locale,
            user.timezone,
            bool(user.capture_location),
            user.language,
        )


def create_user(username: str, password: str, *, is_admin: bool = False, password_hash: str | None = None) -> User:
    """Create an account. A deleted account of the same name is brought back with its data."""
    username = validate_username(username)
    if password_hash is None:
        validate_password(password)
        password_hash = passwords.hash_password(password)
    with write_transaction():
        existing = User.get_or_none(User.username_key == username.lower())
        if existing is not None and existing.deleted_at is None:
            raise Conflict(
                Message("The username '{username}' is taken; choose another.", username=username), field='username'
            )
        if existing is not None:
            existing.username = username
            existing.password_hash = password_hash
            existing.is_admin = is_admin
            existing.deleted_at = None
            existing.save()
            audit.record('user_created', existing, detail='a deleted account brought back with its data')
            return existing
        user = User.create(
            username=username, username_key=username.lower(), password_hash=password_hash, is_admin=is_admin
        )
        audit.record('user_created', user, detail='administrator' if is_admin else '')
        return user


@dataclass(frozen=True, slots=True)
class NewAccount:
    """What creating an account did: the account, what a deleted account of that name brought back
    (expenses, categories, payment methods) and the starting categories and payment methods it got."""

    user: User
    restored: tuple[int, int, int]
    presets: tuple[int, int]

    @property
    def was_restored(self) -> bool:
        return any(self.restored)


def _household_admin() -> User | None:
    """The administrator whose formats a new account copies when nobody in particular creates it (the
    CLI): the earliest one, who ran the setup wizard."""
    return User.select().where(active() & (User.is_admin == True)).order_by(User.id).first()  # noqa: E712


@dataclass(frozen=True, slots=True)
class Starting:
    """The categories (each with its `children`) and payment methods a new account starts with."""

    categories: Sequence[Mapping]
    payment_methods: Sequence[Mapping]


def create_account(
    username: str,
    password: str,
    *,
    is_admin: bool = False,
    presets: bool = True,
    creator: User | None = None,
    starting: Starting | None = None,
    password_hash: str | None = None,
    language: str = 'en',
    account_language: str | None = None,
    locale: str | None = None,
) -> NewAccount:
    """Create an account the way the setup wizard, the Users tab, `POST /sysapi/users/create` and
    `manage.py user create` do: the account and its starting categories and payment methods (`starting`,
    else the wizard's defaults) in one transaction.

    The first account of an installation is an administrator. A new account counts like the household it
    joins: it takes the currency, locale and time zone of the administrator who creates it (`creator`;
    from the CLI the earliest administrator), so that linked accounts add up in one currency from the
    start. A deleted account brought back keeps its own formats and data, and gets no presets on top.
    `password_hash` is for a caller that hashed the password before taking its own transaction. The
    default starting categories and payment methods are named in `language` (the creator's), unless the
    form chose the account's own language (`account_language`, '' for the browser's) or number format
    (`locale`): a French household may create an English-speaking roommate.
    """
    username = validate_username(username)
    if account_language is not None:
        check_language(account_language)
    if locale is not None:
        check_locale(locale)
    if password_hash is None:
        validate_password(password)
        password_hash = passwords.hash_password(password)  # slow on purpose: before the transaction
    with write_transaction():
        first = not users_exist()
        user = create_user(username, '', is_admin=is_admin or first, password_hash=password_hash)
        restored = owned_counts(user)
        if any(restored):
            return NewAccount(user, restored, (0, 0))
        # read again: the creator's page may hold formats changed since in another tab
        model = User.get_or_none(User.id == creator.id) if creator is not None else _household_admin()
        if model is not None and model.id != user.id:
            user.currency, user.locale, user.timezone = model.currency, model.locale, model.timezone
            user.save(only=[User.currency, User.locale, User.timezone])
        if account_language is not None or locale is not None:
            user.language = user.language if account_language is None else account_language
            user.locale = locale or user.locale
            user.save(only=[User.language, User.locale])
        named_in = account_language or language
        seeded = seed_defaults(user, starting, language=named_in) if presets else (0, 0)
        return NewAccount(user, restored, seeded)


def authenticate(username: str, password: str) -> User | None:
    """The user whose credentials these are, or None. Unknown users cost the same time as wrong passwords."""
    user = find_user(username) if username and len(username) <= 64 else None
    if user is None or not user.password_hash:
        passwords.burn_time(password or '')
        return None
    if not passwords.verify_password(user.password_hash, password or ''):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        with write_transaction():
            user.save(only=[User.password_hash])
    return user


def change_password(user: User, current: str, new: str, confirm: str | None = None) -> None:
    if not passwords.verify_password(user.password_hash, current or ''):
        raise Invalid(Message('The current password is wrong; type it again.'), field='current_password')
    set_password(user, new, confirm)


def set_password(user: User, new: str, confirm: str | None = None) -> None:
    validate_password(new, confirm)
    user.password_hash = passwords.hash_password(new)
    with write_transaction():
        user.save(only=[User.password_hash])


def installation_api_key(user: User) -> str:
    """The installation's API_KEY, for administrators only: with a session it reaches every account's
    API, so other users are pointed to their personal tokens instead."""
    from app.config import get_settings

    current = User.get_or_none((User.id == user.id) & active())  # not the page's copy: rights change
    if current is None or not current.is_admin:
        raise Forbidden(
            Message('Only an administrator may see the installation API key; create a personal API token instead.')
        )
    return get_settings().api_key


def mark_deleted(user: User) -> None:
    user.deleted_at = utcnow()
    user.password_hash = ''
    user.is_admin = False
    user.totp_secret = user.totp_pending = ''  # a username created again must not inherit the old phone
    with write_transaction():
        user.save()
        RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()  # type: ignore[misc]  # types-peewee: Model.delete


# --- administration ------------------------------------------------------------------------------------


def count_admins() -> int:
    return User.select().where(active() & (User.is_admin == True)).count()  # noqa: E712 - SQL comparison


def _refuse_losing_last_admin(user: User, what: str) -> None:
    """`what`: 'demote' or 'delete' (one whole sentence each)."""
    if user.is_admin and count_admins() <= 1:
        if what == 'demote':
            message = Message(
                '{username} is the only administrator; make another user administrator before you demote them.',
                username=user.username,
            )
        else:
            message = Message(
                '{username} is the only administrator; make another user administrator before you delete them.',
                username=user.username,
            )
        raise Conflict(message)


def set_admin(user: User, is_admin: bool, *, actor: User | None = None) -> User:
    """Make `user` an administrator or a plain user. The last administrator cannot be demoted."""
    with write_transaction():
        user = get_user(user.id)
        if not is_admin:
            _refuse_losing_last_admin(user, 'demote')
            if actor is not None and actor.id == user.id:
                raise Invalid(Message('You cannot demote yourself; ask another administrator.'))
        user.is_admin = bool(is_admin)
        user.save(only=[User.is_admin])
        by = f' by {actor.username}' if actor else ''
        audit.record('user_changed', user, detail=f'administrator: {"yes" if is_admin else "no"}{by}')
        return user


@dataclass(frozen=True, slots=True)
class PasswordReset:
    """What an administrator's password reset ended: the user's sessions and, unless kept, its tokens."""

    username: str
    sessions: int
    tokens: int
    tokens_kept: bool

    def message(self, language: str = 'en') -> str:
        """What the administrator reads, in `language`."""
        sessions = Plural('{n} session logged out', '{n} sessions logged out', n=self.sessions)
        if self.tokens_kept:
            text = Message(
                'Password of {username} changed; {sessions}, their personal API tokens still work.',
                username=self.username,
                sessions=sessions,
            )
        else:
            text = Message(
                'Password of {username} changed; {sessions}, {tokens}.',
                username=self.username,
                sessions=sessions,
                tokens=Plural('{n} personal API token revoked', '{n} personal API tokens revoked', n=self.tokens),
            )
        return text.render(language)


def reset_password(user: User, new: str, confirm: str | None = None, *, revoke_tokens: bool = True) -> PasswordReset:
    """An administrator sets another user's password: every session of that user ends (each open page of
    it loses access at its next event) and, unless `revoke_tokens` is False, every personal API token is
    revoked too, since a reset usually means the account was in someone else's hands."""
    from app.models import Session
    from app.services import tokens

    with write_transaction():
        set_password(user, new, confirm)
        ended = Session.delete().where(Session.user == user.id).execute()  # type: ignore[misc]  # types-peewee: Model.delete
        revoked = tokens.revoke_all(user) if revoke_tokens else 0
    kept = 'kept' if not revoke_tokens else f'{revoked} revoked'
    audit.record(
        'password_changed', user, detail=f'reset by an administrator; {ended} session(s) ended, API tokens {kept}'
    )
    return PasswordReset(user.username, ended, revoked, not revoke_tokens)


def seed_defaults(user: User, starting: Starting | None = None, *, language: str = 'en') -> tuple[int, int]:
    """Give an account without any category or payment method its starting ones: those chosen in the setup
    wizard, else the wizard's defaults named in `language`. Returns (categories, payment methods) created; (0, 0) for an
    account that already has some."""
    from app.models import Category, PaymentMethod

    starting = starting or Starting(presets.categories(language), presets.payment_methods(language))
    with write_transaction():
        if (
            Category.select().where(Category.owner == user.id).exists()
            or PaymentMethod.select().where(PaymentMethod.owner == user.id).exists()
        ):
            return 0, 0
        return presets.seed(user, starting.categories, starting.payment_methods)


@dataclass(frozen=True, slots=True)
class DeleteReport:
    """What deleting an account did."""

    username: str
    data_deleted: bool
    expenses: int
    categories: int
    payment_methods: int
    links: int
    sessions: int
    tokens: int
    copied_for_others: int  # categories and payment methods copied to linked users whose expenses used them

    def message(self, language: str = 'en') -> str:
        """What the administrator reads, in `language`: one sentence a line."""
        data = {
            'expenses': Plural('{n} expense', '{n} expenses', n=self.expenses),
            'categories': Plural('{n} category', '{n} categories', n=self.categories),
            'payment_methods': Plural('{n} payment method', '{n} payment methods', n=self.payment_methods),
        }
        lines = [
            Message(
                "Deleted user '{username}': {sessions}, {tokens}, {links}.",
                username=self.username,
                sessions=Plural('{n} session ended', '{n} sessions ended', n=self.sessions),
                tokens=Plural('{n} API token revoked', '{n} API tokens revoked', n=self.tokens),
                links=Plural('{n} link or invitation removed', '{n} links and invitations removed', n=self.links),
            )
        ]
        if self.data_deleted:
            lines.append(Message('Deleted its data: {expenses}, {categories} and {payment_methods}.', **data))
        else:
            lines.append(
                Message(
                    "Kept its data: {expenses}, {categories} and {payment_methods}. Creating the user '{username}' "
                    'again brings them back (use --delete-data to delete them).',
                    username=self.username,
                    **data,
                )
            )
        if self.copied_for_others:
            lines.append(
                Plural(
                    'Copied {n} category or payment method into linked accounts whose expenses used it.',
                    'Copied {n} categories and payment methods into linked accounts whose expenses used them.',
                    n=self.copied_for_others,
                )
            )
        return '\n'.join(line.render(language) for line in lines)


def delete_user(user: User, *, delete_data: bool = False, actor: User | None = None) -> DeleteReport:
    """Delete an account, in one transaction. Its links end first (linked users keep what their expenses
    use, as for any unlink). Without `delete_data` its expenses, categories and payment methods stay, and
    creating the same username again brings them back; with it they are deleted. The last administrator
    cannot be deleted, and an administrator does not delete its own account from the app (`actor`)."""
    from app.models import ApiToken, Category, Expense, PaymentMethod, Session
    from app.services import links

    with write_transaction():
        user = get_user(user.id)
        if actor is not None and actor.id == user.id:
            raise Invalid(Message('You cannot delete your own account here; another administrator or the CLI can.'))
        _refuse_losing_last_admin(user, 'delete')
        link_count, unlinked = links.unlink_everyone(user)
        sessions_ended = Session.delete().where(Session.user == user.id).execute()  # type: ignore[misc]  # types-peewee: Model.delete
        tokens_revoked = ApiToken.delete().where(ApiToken.user == user.id).execute()  # type: ignore[misc]  # types-peewee: Model.delete
        expenses = Expense.select().where(Expense.owner == user.id)
        categories = Category.select().where(Category.owner == user.id)
        methods = PaymentMethod.select().where(PaymentMethod.owner == user.id)
        if delete_data:
            counts = (
                Expense.delete().where(Expense.owner == user.id).execute(),  # type: ignore[misc]  # types-peewee: Model.delete
                _delete_categories(user.id),
                PaymentMethod.delete().where(PaymentMethod.owner == user.id).execute(),  # type: ignore[misc]  # types-peewee: Model.delete
            )
        else:
            counts = (expenses.count(), categories.count(), methods.count())
        mark_deleted(user)
        by = f' by {actor.username}' if actor else ''
        audit.record('user_deleted', user, detail=f'{"with" if delete_data else "keeping"} its data{by}')
        return DeleteReport(
            user.username,
            delete_data,
            *counts,
            links=link_count,
            sessions=sessions_ended,
            tokens=tokens_revoked,
            copied_for_others=unlinked.categories_copied + unlinked.payment_methods_copied,
        )


def _delete_categories(owner_id: int) -> int:
    """Delete an owner's categories, subcategories before their parents (the parent link restricts)."""
    from app.models import Category

    deleted = 0
    while True:
        ids = [c.id for c in Category.select(Category.id).where(Category.owner == owner_id)]
        if not ids:
            return deleted
        parents = {c.parent_id for c in Category.select(Category.parent).where(Category.parent.in_(ids))}
        leaves = [i for i in ids if i not in parents]
        if not leaves:  # a cycle cannot be built through the services; break it rather than loop
            Category.update(parent=None).where(Category.id.in_(ids)).execute()
            continue
        deleted += Category.delete().where(Category.id.in_(leaves)).execute()  # type: ignore[misc]  # types-peewee: Model.delete


def owned_counts(user: User) -> tuple[int, int, int]:
    """How many expenses, categories and payment methods `user` owns."""
    from app.models import Category, Expense, PaymentMethod

    return (
        Expense.select().where(Expense.owner == user.id).count(),
        Category.select().where(Category.owner == user.id).count(),
        PaymentMethod.select().where(PaymentMethod.owner == user.id).count(),
    )
