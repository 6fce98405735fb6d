"""Locust users of bench/load.py: a household of four people browsing pages and writing expenses.

Each simulated person logs in through /sysapi/login (the session cookie the pages use), then, with a pause
of 1 to 3 s between actions as a person would: opens a page (dashboard, expenses, budgets, map,
categories), lists a month through the API, or records an expense with their personal token. A page that
sends the browser back to the login form counts as a failure.

Behind the two-process proxy (bench/load.py --processes 2) nginx pins each browser to one process by its
address (ip_hash), so each simulated person connects from its own loopback address (WIS_LOAD_ADDRESSES, chosen
by bench/load.py so that both processes get two people each), over HTTPS with the test's self-signed certificate.
"""

from __future__ import annotations

import itertools
import json
import os
import random

import urllib3
from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter

PEOPLE = json.loads(os.environ['WIS_LOAD_PEOPLE'])  # [{username, password, token, category, method}, ...]
API_KEY = os.environ['WIS_LOAD_API_KEY']
PAGES = ['/', '/expenses', '/budgets', '/map', '/categories']
ADDRESSES = [a for a in os.environ.get('WIS_LOAD_ADDRESSES', '').split(',') if a]
_TURNS = itertools.count()


class _FromAddress(HTTPAdapter):
    """Connections made from one local address (a browser of its own for nginx's ip_hash)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs['source_address'] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Person(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        turn = next(_TURNS)
        self.me = PEOPLE[turn % len(PEOPLE)]  # each simulated user is one of the four people
        if ADDRESSES:
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            self.client.verify = False  # the self-signed certificate of the bench's nginx
            self.client.mount('https://', _FromAddress(ADDRESSES[turn % len(ADDRESSES)]))
        answer = self.client.post(
            f'/sysapi/login?key={API_KEY}',
            data={'username': self.me['username'], 'password': self.me['password']},
            name='/sysapi/login',
        )
        answer.raise_for_status()

    @task(4)
    def page(self) -> None:
        path = random.choice(PAGES)
        with self.client.get(path, name=f'page {path}', catch_response=True) as answer:
            if answer.status_code != 200 or '/login' in str(answer.url):
                answer.failure(f'{answer.status_code} {answer.url}')

    @task(2)
    def list_month(self) -> None:
        self.client.get(
            '/sysapi/expenses?month=2026-11&limit=25',
            headers={'Authorization': f'Bearer {self.me["token"]}'},
            name='/sysapi/expenses (a month, 25 rows)',
        )

    @task(1)
    def write(self) -> None:
        body = {
            'amount': f'{random.randint(100, 9000) / 100:.2f}',
            'date': f'2026-11-{random.randint(1, 30):02d}',
            'category_id': self.me['category'],
            'payment_method_id': self.me['method'],
            'description': 'load test',
        }
        self.client.post(
            '/sysapi/expense_create',
            json=body,
            headers={'Authorization': f'Bearer {self.me["token"]}'},
            name='/sysapi/expense_create',
        )
