"""Alerts sent out through Apprise (ntfy, Gotify, e-mail, Matrix, Telegram, a JSON webhook...): each user
keeps one or more notification URLs; an alert is sent to all of them.

Sending is network work: it never runs in a page's handler but in the background loop
(`deliver_due`, from app/startup.py), in a worker thread. A process first claims an alert (an UPDATE that
only one process can win), sends it, then records the outcome. A failure is logged as a warning and tried
again later, with a delay that doubles each time (30 s, 1 min, 2 min... at most 6 h), up to
MAX_ATTEMPTS; then the alert is marked `failed` (it stays in the app).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import apprise

from app.db import write_transaction
from app.i18n import Message, use_language
from app.models import Alert, AlertPreference, NotificationUrl, User, utcnow
from app.services import formats
from app.services.alerts import alert_views, superseded
from app.services.budgets_types import AlertView, NotificationUrlView
from app.services.errors import Conflict, Invalid, NotFound
from app.services.money import parse_amount
from app.services.months import parse_month
from app.services.timestamps import as_utc
from app.services.validation import parse_id

log = logging.getLogger(__name__)

MAX_URLS = 10
MAX_URL_LENGTH = 1000
MAX_ATTEMPTS = 8
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=6)
CLAIM = timedelta(minutes=2)
BATCH = 50


class _ServiceTrouble(logging.Filter):
    """Apprise logs a URL it cannot parse, or a service that refused a message, as an ERROR. Those are the
    person's configuration or someone else's service, not a fault of this server: warnings here (the alert
    is retried, the form says what is wrong)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, 'WARNING'
        return True


logging.getLogger('apprise').addFilter(_ServiceTrouble())


# --- the URLs -----------------------------------------------------------------------------------------


def _understood(url: str) -> bool:
    return bool(apprise.Apprise().add(url))


def shown(url: str) -> str:
    """The scheme and the host, the rest hidden: URLs carry tokens and passwords."""
    parts = urlsplit(url)
    host = parts.hostname or ''
    if parts.port:
        host = f'{host}:{parts.port}'
    return f'{parts.scheme}://{host}/…' if parts.scheme else '…'


def _view(row: NotificationUrl) -> NotificationUrlView:
    return NotificationUrlView(id=row.id, shown=shown(row.url), created_at=as_utc(row.created_at))


def list_urls(user: User) -> tuple[NotificationUrlView, ...]:
    rows = NotificationUrl.select().where(NotificationUrl.user == user.id).order_by(NotificationUrl.id)
    return tuple(_view(r) for r in rows)


def add_url(user: User, url: object) -> NotificationUrlView:
    """Keep a notification URL, if Apprise understands it."""
    text = str(url if url is not None else '').strip()
    if not text:
        raise Invalid(Message('Enter a notification URL, such as ntfy://my-topic.'), field='url')
    if len(text) > MAX_URL_LENGTH:
        raise Invalid(Message('The URL is too long (at most {most} characters).', most=MAX_URL_LENGTH), field='url')
    if not _understood(text):
        raise Invalid(
            Message(
                'This URL is not one Apprise understands; see its list of services '
                '(ntfy://, gotify://, mailto://, json://...).'
            ),
            field='url',
        )
    with write_transaction():
        if NotificationUrl.select().where(NotificationUrl.user == user.id).count() >= MAX_URLS:
            raise Conflict(Message('You have {count} notification URLs, the most there can be.', count=MAX_URLS))
        row = NotificationUrl.create(user=user.id, url=text)
    return _view(row)


def _own(user: User, url_id: object) -> NotificationUrl:
    number = parse_id(url_id, field='id')
    row = NotificationUrl.get_or_none((NotificationUrl.id == number) & (NotificationUrl.user == user.id))
    if row is None:
        raise NotFound(Message('This notification URL does not exist.'), field='id')
    return row


def delete_url(user: User, url_id: object) -> int:
    with write_transaction():
        row = _own(user, url_id)
        row.delete_instance()
    return row.id


def large_recurring(user: User) -> int:
    """The amount (cents) from which a recurring expense is announced the day before; 0: never."""
    row = AlertPreference.get_or_none(AlertPreference.user == user.id)
    return int(row.large_recurring_cents) if row else 0


def set_large_recurring(user: User, amount: object) -> int:
    """Announce recurring expenses of at least `amount` the day before; empty or 0 turns it off."""
    text = str(amount if amount is not None else '').strip()
    cents = 0 if text in ('', '0') else parse_amount(text, field='large_recurring')
    with write_transaction():
        AlertPreference.insert(user=user.id, large_recurring_cents=cents).on_conflict(
            conflict_target=[AlertPreference.user], update={AlertPreference.large_recurring_cents: cents}
        ).execute()
    return cents


def _send(urls: list[str], title: str, body: str) -> bool:
    sender = apprise.Apprise()
    for url in urls:
        sender.add(url)
    return bool(sender.notify(title=title, body=body))


def send_test(user: User, url_id: object) -> None:
    """Send a test message to one URL now (the person is waiting for it: a short network call)."""
    row = _own(user, url_id)
    language = user.language or 'en'
    title = Message('What I Spend').render(language)
    body = Message('This is a test: alerts will arrive here.').render(language)
    if not _send([row.url], title, body):
        log.warning('test notification to %s failed', shown(row.url))
        raise Conflict(
            Message(
                'The test could not be sent to {url}; check the URL and that the service is reachable.',
                url=shown(row.url),
            ),
            field='url',
        )


# --- the text of an alert -----------------------------------------------------------------------------


def text_of(alert: AlertView, user: User) -> tuple[str, str]:
    """Title and body in the recipient's language, amounts in their format."""
    language = user.language or 'en'
    with use_language(language):
        spent = formats.money(alert.spent_cents, user.currency, user.locale)
        limit = formats.money(alert.limit_cents, user.currency, user.locale)
        if alert.kind == 'recurring':
            title = Message('Large expense tomorrow')
            body = Message('{what}: {amount} is due tomorrow.', what=alert.detail or '…', amount=spent)
            return title.render(language), body.render(language)
        month = formats.month_year(parse_month(alert.month), user.locale)
        share = formats.percent(alert.threshold, user.locale)
    name = alert.name or Message('All spending').render(language)
    title = Message('Budget alert: {name}', name=name)
    if alert.threshold >= 100:
        body = Message(
            '{name}: {spent} spent in {month}, {percent} of the budget of {limit}.',
            name=name,
            spent=spent,
            month=month,
            percent=share,
            limit=limit,
        )
    else:
        body = Message(
            '{name}: {spent} spent in {month}, over {percent} of the budget of {limit}.',
            name=name,
            spent=spent,
            month=month,
            percent=share,
            limit=limit,
        )
    return title.render(language), body.render(language)


# --- delivery -----------------------------------------------------------------------------------------


def delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: doubling from 30 s, at most 6 h."""
    return min(LONGEST_DELAY, FIRST_DELAY * (2 ** max(0, attempts - 1)))


def _claim(alert_id: int, now: datetime) -> bool:
    with write_transaction():
        claimed = (
            Alert.update(claimed_until=now + CLAIM)
            .where(
                (Alert.id == alert_id)
                & (Alert.delivery == 'pending')
                & (Alert.claimed_until.is_null() | (Alert.claimed_until < now))
            )
            .execute()
        )
    return bool(claimed)


def deliver_due(now: datetime | None = None) -> int:
    """Send the pending alerts whose time has come; returns how many were sent."""
    now = now or utcnow()
    due = list(
        Alert.select(Alert.id, Alert.user)
        .where((Alert.delivery == 'pending') & (Alert.next_attempt_at.is_null() | (Alert.next_attempt_at <= now)))
        .order_by(Alert.id)
        .limit(BATCH)
    )
    sent = 0
    for row in due:
        if not _claim(row.id, now):
            continue  # another process has it
        if superseded(Alert.get_by_id(row.id)):
            with write_transaction():  # a higher threshold of the same budget and month says it better
                Alert.update(delivery='none', claimed_until=None).where(Alert.id == row.id).execute()
            continue
        user = User.get_by_id(row.user_id)
        urls = [u.url for u in NotificationUrl.select().where(NotificationUrl.user == row.user_id)]
        if not urls:
            with write_transaction():
                Alert.update(delivery='none', claimed_until=None).where(Alert.id == row.id).execute()
            continue
        view = alert_views(Alert.select().where(Alert.id == row.id))[0]
        title, body = text_of(view, user)
        try:
            ok = _send(urls, title, body)
            problem = '' if ok else 'the service refused it or could not be reached'
        except Exception as exc:  # noqa: BLE001 - a plugin's failure is a failed delivery, retried
            ok, problem = False, f'{type(exc).__name__}: {exc}'
        if ok:
            with write_transaction():
                Alert.update(delivery='sent', claimed_until=None, last_error='').where(Alert.id == row.id).execute()
            sent += 1
            continue
        attempts = _attempts(row.id) + 1
        final = attempts >= MAX_ATTEMPTS
        log.warning(
            'alert %s to user %s not delivered (attempt %s of %s): %s',
            row.id,
            row.user_id,
            attempts,
            MAX_ATTEMPTS,
            problem,
        )
        with write_transaction():
            Alert.update(
                delivery='failed' if final else 'pending',
                attempts=attempts,
                next_attempt_at=now + delay(attempts),
                claimed_until=None,
                last_error=problem[:300],
            ).where(Alert.id == row.id).execute()
    return sent


def _attempts(alert_id: int) -> int:
    return int(Alert.select(Alert.attempts).where(Alert.id == alert_id).scalar() or 0)
