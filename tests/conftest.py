"""Shared fixtures: every test gets its own configuration and database in a temporary folder.

The database is a SQLite file in that folder, or, when WIS_TEST_POSTGRES names a PostgreSQL server
(`postgresql://user@127.0.0.1:PORT/`, see scripts/pg-test-cluster), an empty database of its own on that
server, dropped when the test ends (tests/pg_databases.py). A test that is about SQLite's files themselves
is marked `sqlite_only` and keeps its SQLite file on either run.

Argon2 runs with cheap parameters here (ARGON2_* settings); tests/test_passwords.py pins the
production defaults.
"""

from __future__ import annotations

import logging
import os
import traceback
from pathlib import Path

import pytest
from nicegui.testing.user_notify import UserNotify

from app.config import VARIABLES, get_settings, load, use_settings
from app.db import close_database, open_database
from app.migrations import run_migrations
from app.services import setup
from tests import pg_databases
from tests.builders import PASSWORD, basics, make_user

API_KEY = '0123456789abcdef0123456789abcdef'
API_KEY_SALT = 'fedcba9876543210fedcba9876543210'

TEST_ENV = {
    'API_KEY': API_KEY,
    'API_KEY_SALT': API_KEY_SALT,
    'STORAGE_SECRET': 'test-storage-secret-0123456789',
    'ARGON2_TIME_COST': '1',
    'ARGON2_MEMORY_COST': '1024',
    'ARGON2_PARALLELISM': '1',
    'RATE_LIMIT': '10000',
    'LOG_LEVEL': 'warning',
    'GEOIP_ENABLED': 'false',
    'BACKUP_INTERVAL_HOURS': '0',
    'UPDATE_CHECK': 'false',
    'RATES_URL': '',  # no fetch of exchange rates beyond loopback (issue 20)
}


def test_environment(tmp_path: Path, migrated: bool = False) -> dict[str, str]:
    """The environment of a test installation living in `tmp_path` (also used to start real servers).

    On a PostgreSQL run each folder gets a database of its own, cleaned after the test (tests/pg_databases.py):
    empty, or already migrated when `migrated` (the test runs the migrations first thing anyway)."""
    database_url = pg_databases.database_for(tmp_path, migrated) or f'sqlite:///{tmp_path / "whatispend.db"}'
    return {
        **TEST_ENV,
        'WIS_CONFIG': str(tmp_path / 'config.env'),
        'DATABASE_URL': database_url,
        'DATA_DIR': str(tmp_path / 'data'),
    }


def pytest_configure(config: pytest.Config) -> None:
    """Every prepared query is checked against peewee's own SQL and parameters, in this process and in the
    servers the tests start (app/prepared.py); benchmarks that borrow these helpers do not check."""
    os.environ['WIS_CHECK_PREPARED'] = '1'


@pytest.fixture(scope='module', autouse=True)
def module_databases(request: pytest.FixtureRequest):
    """On the PostgreSQL run, a database asked for by a module-scoped fixture (a real server shared by the
    module's tests) lives until the module ends, not until its first test does (tests/pg_databases.py)."""
    pg_databases.begin_module(sqlite_only=request.node.get_closest_marker('sqlite_only') is not None)
    yield
    pg_databases.end_module()


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> dict[str, str]:
    pg_databases.begin_test(sqlite_only=request.node.get_closest_marker('sqlite_only') is not None)
    request.addfinalizer(pg_databases.end_test)
    # a test that migrates first thing (the `database` fixture, NiceGUI's `user` starting main.py) may be
    # handed a database migrated beforehand: the same outcome, without running the migrations per test
    env = test_environment(tmp_path, migrated=bool({'database', 'user'} & set(request.fixturenames)))
    for name in [n for n in os.environ if n in VARIABLES]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    use_settings(load())
    setup.reset_cache()
    yield env
    close_database()
    use_settings(None)


def _pristine_lifespan():
    from nicegui import app

    return app.router.lifespan_context


# NiceGUI's simulated user runs main.py again for every test. Each `app.include_router` there wraps the app's
# lifespan in one more of FastAPI's merged lifespans, and NiceGUI's reset between tests removes the routes
# but keeps the wrappers: after a few hundred page tests in one worker, starting the app ran ~900 frames
# deep and the migrations hit RecursionError. Taken before main.py ever ran, put back before every test.
PRISTINE_LIFESPAN = _pristine_lifespan()


@pytest.fixture(autouse=True)
def pristine_lifespan():
    """Every test starts the app from NiceGUI's own lifespan, not from the wrappers earlier tests left."""
    from nicegui import app

    app.router.lifespan_context = PRISTINE_LIFESPAN
    yield
    app.router.lifespan_context = PRISTINE_LIFESPAN


@pytest.fixture(autouse=True)
def no_server_problems(request: pytest.FixtureRequest):
    """A real server started by the test must not log a traceback or an ERROR line while it runs: that is a
    user meeting a broken page or a 500. A test that provokes one on purpose marks itself `server_errors`."""
    from tests.e2e.harness import STARTED

    before = len(STARTED)
    yield
    started, STARTED[before:] = STARTED[before:], []
    if request.node.get_closest_marker('server_errors'):
        return
    problems = [line for server in started for line in server.problems()]
    if problems:
        pytest.fail('The server logged problems while the test ran:\n' + '\n'.join(problems[:40]), pytrace=False)


class CheckedNotify(UserNotify):
    """NiceGUI's simulated `ui.notify` records the message without touching the page, so a notification
    sent from inside a deleted dialog passed in tests while it raised for real users. This one reaches for
    the current client first, exactly as the real `ui.notify` does."""

    def __call__(self, message: str, **kwargs) -> None:
        from nicegui import context

        context.client  # noqa: B018 - raises "The parent element this slot belongs to has been deleted"
        super().__call__(message, **kwargs)


HANDLER_ERRORS = pytest.StashKey[list]()

# NiceGUI's default is 3 looks 0.1 s apart. A save runs its service in a thread, which on a loaded 2-core CI
# machine can take longer than 0.3 s; 50 looks (5 s) still end at the first one that sees the outcome.
PATIENT_RETRIES = 50


def _patient(check):
    async def patient(*args, retries: int = PATIENT_RETRIES, **kwargs):
        return await check(*args, retries=retries, **kwargs)

    return patient


@pytest.fixture
async def user(user, request: pytest.FixtureRequest):
    """NiceGUI's simulated user; any exception raised in a page's handler fails the test (see below)."""
    from nicegui import app

    raised: list[BaseException] = []
    request.node.stash[HANDLER_ERRORS] = raised
    app.on_exception(raised.append)
    user.notify = CheckedNotify()
    user.should_see = _patient(user.should_see)
    user.should_not_see = _patient(user.should_not_see)
    yield user


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Fail in the test's own phase when a page handler raised or something logged an ERROR.

    NiceGUI's fixture checks ERROR logs only in its teardown, and failing there leaves the app marked as
    started, so every later test of the worker errors too; failing here (and clearing the records) keeps
    the failure on the test that caused it."""
    caplog = item.funcargs.get('caplog')
    try:
        result = yield
    except BaseException:
        if caplog is not None and HANDLER_ERRORS in item.stash:
            caplog.clear()  # the test failed already; the captured log is still in its report
        raise
    raised = item.stash.get(HANDLER_ERRORS, None)
    if raised is None:
        return result
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR] if caplog is not None else []
    if raised or logged:
        details = [''.join(traceback.format_exception(error)) for error in raised[:5]]
        details += [f'{r.levelname} {r.name}: {r.getMessage()}' for r in logged[:10] if not r.exc_info]
        if caplog is not None:
            caplog.clear()
        pytest.fail(
            f'A page handler raised {len(raised)} exception(s), {len(logged)} ERROR log line(s):\n'
            + '\n'.join(details),
            pytrace=False,
        )
    return result


@pytest.fixture
def database(environment: dict[str, str]) -> None:
    """An empty, migrated database for service tests."""
    open_database(get_settings().database_url)
    run_migrations()
    yield
    close_database()


async def api_login(user, username: str = 'alice', password: str = PASSWORD) -> None:
    """Log the NiceGUI test user's HTTP client in; its cookie jar keeps the session for user.open()."""
    response = await user.http_client.post(
        f'/sysapi/login?key={API_KEY}', data={'username': username, 'password': password}
    )
    assert response.status_code == 200, response.text


# --- the shared world (tests/builders.py builds it) ---------------------------------------------------------
# Service tests request `database` too (usually as `pytestmark = pytest.mark.usefixtures('database')`).


@pytest.fixture
def alice():
    """alice, a user who is not an administrator."""
    return make_user('alice')


@pytest.fixture
def things(alice) -> dict:
    """alice's Food (with Groceries and Restaurants), Transport, Card and Cash: `basics(alice)`."""
    return basics(alice)


def pytest_report_header() -> str:
    if pg_databases.enabled():
        return f'database: PostgreSQL at {pg_databases.url_of("")} (WIS_TEST_POSTGRES), one database per test'
    return 'database: SQLite, one file per test (set WIS_TEST_POSTGRES=postgresql://... for the PostgreSQL run)'


def pytest_sessionfinish() -> None:
    pg_databases.drop_all()
