"""Concurrent writers never fail, lose or duplicate a write (issue 13, item 12).

Before write_transaction(), a deferred transaction that read and then wrote failed at once with
"database is locked" when another writer had committed meanwhile (busy_timeout is not waited for
then); the 500 that followed made uvicorn close the keep-alive connection, so the client's next
request was reset. Both paths are exercised: the service layer from 8 threads on a real SQLite file,
and 8 HTTP writers with dashboard readers against the real server (bench/concurrency.py's loop).
"""

from __future__ import annotations

import ast
import threading
import uuid
from pathlib import Path

import pytest

from app.db import close_database, db, is_postgres, sqlite_path
from app.models import Expense, Session
from app.services import audit, expenses, sessions
from tests.conftest import make_user

THREADS = 8
WRITES = 25


def _writer(user, things: dict, index: int, seen: dict, failures: list) -> None:
    """25 creates, every fifth one a replay of the previous request id, with the stray writes a request
    also makes (a new session and its renewal, an audit event)."""
    previous = None
    try:
        for n in range(WRITES):
            replay = previous is not None and n % 5 == 0
            request_id = previous if replay else uuid.uuid4().hex
            data = {
                'amount': f'{n + 1}.00',
                'date': '2026-01-15',
                'category_id': things['food'].id,
                'payment_method_id': things['card'].id,
                'description': f't{index} n{n}',
            }
            expense = expenses.create_expense(user, data, request_id=request_id)
            if replay:
                assert expense.id == seen[request_id], 'a replay must return the first expense'
            else:
                seen[request_id] = expense.id
                previous = request_id
            if n % 3 == 0:
                token = sessions.create_session(user, ip='127.0.0.1')
                assert sessions.user_for_token(token) is not None
                audit.record('concurrency_test', user, ip='127.0.0.1', detail=f't{index} n{n}')
    except Exception as exc:  # noqa: BLE001 - reported by the test, with the thread that failed
        failures.append(f'thread {index}: {type(exc).__name__}: {exc}')
    finally:
        if not db.is_closed():
            db.close()  # this thread's own connection


@pytest.mark.usefixtures('database')
def test_eight_threads_of_service_writes_all_land_once(alice, things) -> None:
    seen: dict[str, int] = {}
    failures: list[str] = []
    threads = [
        threading.Thread(target=_writer, args=(alice, things, i, seen, failures), daemon=True) for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    rows = list(Expense.select(Expense.id, Expense.request_id).where(Expense.owner == alice.id))
    replays = THREADS * len(range(5, WRITES, 5))
    assert len(rows) == THREADS * WRITES - replays == len(seen)
    assert sorted(r.request_id for r in rows) == sorted(seen)
    assert {r.id for r in rows} == set(seen.values())
    assert Session.select().where(Session.user == alice.id).count() == THREADS * len(range(0, WRITES, 3))


@pytest.mark.usefixtures('database')
def test_each_thread_has_its_own_connection() -> None:
    """Peewee keeps one connection per thread; none is shared, so no thread writes inside another's
    transaction (sqlite3's check_same_thread stays on to make a shared one fail loudly)."""
    mine = db.connection()
    theirs: list = []

    def other() -> None:
        theirs.append(db.connection())

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(30)
    assert theirs and theirs[0] is not mine
    if is_postgres():
        return  # psycopg's connections are thread-safe: nothing to refuse, and none is shared
    with pytest.raises(Exception, match='thread'):
        theirs[0].execute('SELECT 1')  # a connection of another thread is refused (and closed)


def test_http_writers_and_dashboard_readers_get_no_error_or_reset(tmp_path: Path) -> None:
    from bench import seed
    from bench.concurrency import prepare, run_level, stored_writes
    from tests.conftest import test_environment
    from tests.e2e.harness import make_server

    folder = tmp_path / 'server'
    folder.mkdir()
    url = test_environment(folder)['DATABASE_URL']  # the server's database: SQLite's file or PostgreSQL's
    database = str(sqlite_path(url) or url)
    seed.main(['--database', database, '--expenses', '400', '--users', '2'])
    close_database()
    server = make_server(folder, RATE_LIMIT='100000').start()
    try:
        household = prepare(server, seed.DEFAULT_PASSWORD)
        result = run_level(server, household, THREADS, 4.0, seed.DEFAULT_PASSWORD, readers=2)
    finally:
        server.stop()
    assert dict(result.writes.statuses) == {200: sum(result.writes.statuses.values())}
    assert dict(result.reads.statuses) == {200: sum(result.reads.statuses.values())}
    assert not result.writes.connection_errors and not result.reads.connection_errors
    assert result.writes.replay_mismatches == 0
    acknowledged = list(result.writes.acknowledged)
    assert len(acknowledged) >= THREADS  # every writer got through at least once
    assert stored_writes(database, acknowledged) == (len(acknowledged), 0)  # none lost, none duplicated
    assert server.problems() == []


async def test_an_unexpected_error_is_answered_without_closing_the_connection(caplog) -> None:
    """The reset source: left to Starlette's ServerErrorMiddleware, the 500 is sent and the exception
    re-raised to uvicorn, which closes the keep-alive connection. The request log answers it instead."""
    from app.api.errors import unexpected_error_handler
    from app.logs import RequestLogMiddleware

    class Failing:
        exception_handlers = {Exception: unexpected_error_handler}

        async def __call__(self, scope, receive, send) -> None:
            raise RuntimeError('database is locked')

    sent: list[dict] = []

    async def send(message) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {'type': 'http.request', 'body': b'', 'more_body': False}

    app = Failing()
    scope = {'type': 'http', 'method': 'POST', 'path': '/sysapi/expense_create', 'query_string': b'', 'headers': []}
    await RequestLogMiddleware(app)({**scope, 'app': app}, receive, send)  # no exception reaches the server
    assert sent[0]['type'] == 'http.response.start' and sent[0]['status'] == 500
    assert b'Something went wrong on the server' in sent[1]['body']
    assert 'unexpected error on POST /sysapi/expense_create' in caplog.text
    caplog.clear()  # the ERROR is the point of this test


async def test_an_error_after_the_response_started_still_reaches_the_server() -> None:
    from app.logs import RequestLogMiddleware

    class HalfSent:
        exception_handlers = {Exception: None}

        async def __call__(self, scope, receive, send) -> None:
            await send({'type': 'http.response.start', 'status': 200, 'headers': []})
            raise RuntimeError('broken mid-response')

    async def send(message) -> None:
        pass

    app = HalfSent()
    scope = {'type': 'http', 'method': 'GET', 'path': '/x', 'query_string': b'', 'headers': [], 'app': app}
    with pytest.raises(RuntimeError):
        await RequestLogMiddleware(app)(scope, None, send)


@pytest.mark.usefixtures('database')
def test_racing_token_creates_cannot_pass_the_cap() -> None:
    """The count and the insert run under one write lock: of 8 creates racing for the last free slot,
    exactly one gets it and the others are told to revoke a token first."""
    from app.models import ApiToken
    from app.services import tokens
    from app.services.errors import Conflict

    alice = make_user('alice')
    for n in range(tokens.MAX_TOKENS_PER_USER - 1):
        tokens.create_token(alice, f'token {n}')
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def create(index: int) -> None:
        start.wait(30)
        try:
            tokens.create_token(alice, f'racer {index}')
            outcomes.append('created')
        except Conflict:
            outcomes.append('refused')
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(f'{type(exc).__name__}: {exc}')
        finally:
            db.close()

    threads = [threading.Thread(target=create, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ['created'] + ['refused'] * (THREADS - 1)
    assert ApiToken.select().where(ApiToken.user == alice.id).count() == tokens.MAX_TOKENS_PER_USER


# --- every write inside write_transaction() -----------------------------------------------------------

_WRITE_METHODS = {'save', 'delete_instance', 'insert_many', 'bulk_create', 'bulk_update', 'get_or_create'}
_QUERY_WRITES = {'update', 'delete', 'insert', 'insert_many', 'replace'}
_NOT_THE_DATABASE = {'book', 'status', 'self', 'image'}  # .save() of a spreadsheet, the update's status, a picture


def _on_model(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id[:1].isupper()


def _is_write(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute):
        return False
    name, target = call.func.attr, call.func.value
    if name == 'save' and isinstance(target, ast.Attribute | ast.Name):
        holder = target.attr if isinstance(target, ast.Attribute) else target.id
        return holder not in _NOT_THE_DATABASE
    if name in _WRITE_METHODS or (name == 'create' and _on_model(target)):
        return True
    if name == 'execute':  # Model.update(...).where(...).execute()
        node = target
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _QUERY_WRITES and _on_model(node.func.value):
                return True
            node = node.func.value
    return False


def _stray_writes(function: ast.FunctionDef) -> list[int]:
    found: list[int] = []

    def visit(node: ast.AST, guarded: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            return  # judged on its own
        if isinstance(node, ast.With):
            opens = any(
                isinstance(item.context_expr, ast.Call)
                and getattr(item.context_expr.func, 'id', None) == 'write_transaction'
                for item in node.items
            )
            for child in node.body:
                visit(child, guarded or opens)
            return
        if isinstance(node, ast.Call) and not guarded and _is_write(node):
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child, guarded)

    for statement in function.body:
        visit(statement, False)
    return found


def test_every_public_service_write_is_inside_write_transaction() -> None:
    """A write outside write_transaction() runs deferred (or in autocommit beside a deferred read) and
    can fail with "database is locked". Private helpers (`_name`, or methods of a `_Class`) run inside
    their caller's transaction; every public service function must open it itself."""
    root = Path(__file__).resolve().parents[1]
    strays = []
    for path in sorted((root / 'app' / 'services').glob('*.py')):
        tree = ast.parse(path.read_text(encoding='utf-8'))
        private_methods = {
            id(f)
            for c in ast.walk(tree)
            if isinstance(c, ast.ClassDef) and c.name.startswith('_')
            for f in c.body
            if isinstance(f, ast.FunctionDef)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith('_') and id(node) not in private_methods:
                strays += [f'{path.name}:{line} {node.name}' for line in _stray_writes(node)]
    assert strays == []
