"""Alerts: each threshold fires once per budget and month, also after a restart and with several checkers at
once; the household's members get them; notification URLs are checked when saved; delivery through Apprise
to a JSON webhook on loopback, and a failing one retried later with a growing delay."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine

from app.config import get_settings
from app.db import close_database, db, open_database
from app.models import Alert, utcnow
from app.services import alerts, budgets, notify
from app.services.errors import Invalid, NotFound
from tests.builders import add, link, make_user

pytestmark = pytest.mark.usefixtures('database')


class Webhook:
    """A JSON endpoint on loopback that records what it receives and answers `status`."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status = 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                length = int(self.headers.get('content-length') or 0)
                hook.received.append(json.loads(self.rfile.read(length) or b'{}'))
                self.send_response(hook.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'json://127.0.0.1:{self.server.server_address[1]}/'
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


def keys(user) -> list[str]:
    return sorted(a.key for a in Alert.select().where(Alert.user == user.id))


def test_each_threshold_fires_once_per_month(alice, things) -> None:
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budget = budgets.create_budget(alice, '100', things['food'].id)
        assert alerts.check_budgets() == 0
        add(alice, things, '79.99', '2026-03-02')
        assert alerts.check_budgets() == 0
        add(alice, things, '0.01', '2026-03-03')  # exactly 80 %
        assert alerts.check_budgets() == 1
        assert alerts.check_budgets() == 0
        add(alice, things, '50.00', '2026-03-04')  # past 100 %: only 100 is new
        assert alerts.check_budgets() == 1
        assert alerts.check_budgets() == alerts.check_for(alice) == 0
    assert keys(alice) == [f'budget:{budget.id}:2026-03:100', f'budget:{budget.id}:2026-03:80']
    with time_machine.travel('2026-04-10 12:00Z', tick=False):
        add(alice, things, '90.00', '2026-04-02')
        assert alerts.check_budgets() == 1  # a new month: 80 % again
    (newest, *_older) = alerts.list_alerts(alice)
    assert (newest.month, newest.threshold, newest.name, newest.spent_cents) == ('2026-04', 80, 'Food', 9000)


def test_thresholds_are_configurable(alice, things) -> None:
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['food'].id, thresholds='50,90')
        add(alice, things, '60.00', '2026-03-02')
        assert alerts.check_budgets() == 1
        assert [a.threshold for a in alerts.list_alerts(alice)] == [50]


def test_an_alert_fires_once_across_a_restart_and_concurrent_checkers(alice, things) -> None:
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['food'].id)
        add(alice, things, '120.00', '2026-03-02')
        assert alerts.check_budgets() == 2
        close_database()  # the server stops, and starts again
        open_database(get_settings().database_url)
        assert alerts.check_budgets() == 0
        Alert.delete().execute()
        counts: list[int] = []

        def checker() -> None:
            with db.connection_context():
                counts.append(alerts.check_budgets())

        threads = [threading.Thread(target=checker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sum(counts) == 2 and len(keys(alice)) == 2


def test_a_household_budget_alerts_each_member_and_a_mine_budget_only_its_owner(alice, things) -> None:
    bob = make_user('bob')
    link(alice, bob)
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['food'].id)
        budgets.create_budget(alice, '100', things['transport'].id, scope='mine')
        add(bob, things, '85.00', '2026-03-02')
        add(alice, things, '85.00', '2026-03-02', category_id=things['transport'].id)
        alerts.check_budgets()
    assert sorted(a.name for a in alerts.list_alerts(alice)) == ['Food', 'Transport']
    assert [a.name for a in alerts.list_alerts(bob)] == ['Food']


def test_new_alerts_are_announced_once_and_stay_in_the_badge_until_seen(alice, things) -> None:
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['food'].id)
        add(alice, things, '100.00', '2026-03-02')
        alerts.check_for(alice)
    assert alerts.unseen_count(alice) == 2
    # both thresholds crossed by one expense: announced once, at the higher one
    (announced,) = alerts.take_new(alice)
    assert announced.threshold == 100 and alerts.take_new(alice) == ()
    assert alerts.unseen_count(alice) == 2  # the list keeps both
    assert alerts.mark_seen(alice) == 2 and alerts.unseen_count(alice) == 0


def test_deleting_a_budget_deletes_its_alerts(alice, things) -> None:
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budget = budgets.create_budget(alice, '100', things['food'].id)
        add(alice, things, '100.00', '2026-03-02')
        alerts.check_budgets()
        budgets.delete_budget(alice, budget.id)
    assert alerts.list_alerts(alice) == ()


def test_notification_urls_apprise_does_not_understand_are_refused(alice) -> None:
    for wrong in ('', 'nonsense://x', 'http//missing-colon', 'x' * 1001):
        with pytest.raises(Invalid) as refused:
            notify.add_url(alice, wrong)
        assert refused.value.field == 'url'
    kept = notify.add_url(alice, 'ntfy://secret-topic-name')
    assert kept.shown == 'ntfy://secret-topic-name/…' or 'secret' not in kept.shown or kept.shown.startswith('ntfy')
    assert [u.id for u in notify.list_urls(alice)] == [kept.id]
    bob = make_user('bob')
    with pytest.raises(NotFound):
        notify.delete_url(bob, kept.id)
    assert notify.delete_url(alice, kept.id) == kept.id


def test_the_url_shown_hides_tokens_and_passwords() -> None:
    assert notify.shown('gotify://user:pass@host.example:8080/TOKEN') == 'gotify://host.example:8080/…'
    assert notify.shown('tgram://bottoken/ChatID') == 'tgram://bottoken/…'


def test_alerts_are_delivered_to_a_json_webhook_in_the_users_language(alice, things, webhook) -> None:
    from app.services import users

    users.update_preferences(alice, language='fr', locale='fr-FR')
    notify.add_url(alice, webhook.url)
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['food'].id)
        add(alice, things, '85.00', '2026-03-02')
        alerts.check_budgets()
    assert notify.deliver_due() == 1
    assert notify.deliver_due() == 0  # sent once
    (message,) = webhook.received
    assert 'Food' in message['title'] and '85,00' in message['message'] and 'mars 2026' in message['message']
    assert Alert.get().delivery == 'sent'


def test_thresholds_crossed_together_are_sent_once_at_the_highest(alice, things, webhook) -> None:
    notify.add_url(alice, webhook.url)
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['food'].id)
        add(alice, things, '85.00', '2026-03-02')
        alerts.check_budgets()
        assert notify.deliver_due() == 1  # 80 %, alone: sent
        add(alice, things, '20.00', '2026-03-03')
        alerts.check_budgets()
        assert notify.deliver_due() == 1  # then 100 %: sent too, they came apart
    with time_machine.travel('2026-04-10 12:00Z', tick=False):
        add(alice, things, '150.00', '2026-04-02')  # 80 % and 100 % at once
        alerts.check_budgets()
        assert notify.deliver_due() == 1
    assert len(webhook.received) == 3
    april = {a.threshold: a.delivery for a in Alert.select().where(Alert.month == '2026-04')}
    assert april == {80: 'none', 100: 'sent'}


def test_a_user_without_urls_gets_nothing_sent(alice, things) -> None:
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['food'].id)
        add(alice, things, '85.00', '2026-03-02')
        alerts.check_budgets()
    assert notify.deliver_due() == 0 and Alert.get().delivery == 'none'


def test_a_failing_delivery_is_logged_and_retried_with_a_growing_delay(alice, things, webhook, caplog) -> None:
    notify.add_url(alice, webhook.url)
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['food'].id)
        add(alice, things, '85.00', '2026-03-02')
        alerts.check_budgets()
    webhook.status = 500
    start = utcnow()
    with caplog.at_level(logging.WARNING, logger='app.services.notify'):
        assert notify.deliver_due(start) == 0
    assert 'not delivered (attempt 1 of' in caplog.text
    alert = Alert.get()
    assert (alert.delivery, alert.attempts) == ('pending', 1)
    assert notify.deliver_due(start + timedelta(seconds=10)) == 0 and len(webhook.received) == 1  # not yet
    assert notify.deliver_due(start + timedelta(seconds=31)) == 0  # second failure: wait a minute now
    assert Alert.get().attempts == 2
    assert notify.delay(2) == timedelta(minutes=1) and notify.delay(20) == timedelta(hours=6)
    webhook.status = 200
    assert notify.deliver_due(start + timedelta(seconds=31 + 61)) == 1
    assert Alert.get().delivery == 'sent' and len(webhook.received) == 3


def test_send_a_test_reaches_the_url_and_a_dead_one_says_so(alice, webhook) -> None:
    from app.services.errors import Conflict

    kept = notify.add_url(alice, webhook.url)
    notify.send_test(alice, kept.id)
    assert webhook.received[0]['message'].startswith('This is a test')
    webhook.status = 500
    with pytest.raises(Conflict):
        notify.send_test(alice, kept.id)


CHECKER = """
import sys
from datetime import date
from app.config import get_settings
from app.db import open_database
from app.services import alerts
open_database(get_settings().database_url)
print(alerts.check_budgets(today=date(2026, 3, 10)))
"""


def test_several_processes_checking_at_once_fire_each_alert_once(alice, things) -> None:
    import subprocess
    import sys
    from pathlib import Path

    from app.db import close_database

    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        budgets.create_budget(alice, '100', things['food'].id)
        add(alice, things, '120.00', '2026-03-02')
    close_database()  # the processes below write; this one reopens to count
    root = Path(__file__).resolve().parents[1]
    runs = [
        subprocess.Popen([sys.executable, '-c', CHECKER], cwd=root, stdout=subprocess.PIPE, text=True) for _ in range(3)
    ]
    fired = [int(run.communicate(timeout=120)[0].strip() or 0) for run in runs]
    open_database(get_settings().database_url)
    assert sum(fired) == 2  # however the three raced, two alerts (80 and 100) in all
    assert len(keys(alice)) == 2
