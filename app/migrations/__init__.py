"""The schema's history: one module per version, each applied once, in order, by `run_migrations`.

Each module holds frozen copies of the tables it creates (and the columns it adds) as they were at its
version, and never imports app.models: a later change to a model must not change what an old migration
does to a database that has not run it yet. A model change therefore comes with a new module here,
listed last in MIGRATIONS; `tests/test_migrations.py` fails until the two agree.

`open_database` only connects. What needs the schema current calls `run_migrations`: the server at
start-up, `manage.py db migrate` (which ./install.sh and the updater run), CLI verbs, a restore.
The versions reached are rows of the `schema_version` table, as they were before the migrations moved
here, so a database migrated by any earlier version of the app carries on where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from app.db import db
from app.migrations import (
    v0001_initial,
    v0002_audit_log,
    v0005_legacy_records,
    v0006_expense_request_ids,
    v0007_two_factor,
    v0008_user_language,
    v0009_imports,
    v0010_recurring,
    v0011_budgets,
    v0012_tags_and_search,
    v0013_receipts,
    v0014_households,
    v0015_currencies,
    v0016_search_by_household,
    v0019_expense_watch,
    v0020_settlement_currencies,
    v0021_search_owned_postgres,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    apply: Callable[[], None]


MIGRATIONS: list[Migration] = [
    Migration(1, 'initial schema', v0001_initial.apply),
    Migration(2, 'audit log', v0002_audit_log.apply),
    Migration(5, 'legacy import records', v0005_legacy_records.apply),
    Migration(6, 'expense request ids', v0006_expense_request_ids.apply),
    Migration(7, 'two-factor login', v0007_two_factor.apply),
    Migration(8, 'user language', v0008_user_language.apply),
    Migration(9, 'imports', v0009_imports.apply),
    Migration(10, 'recurring rules', v0010_recurring.apply),
    Migration(11, 'budgets and alerts', v0011_budgets.apply),
    Migration(12, 'tags and full-text search', v0012_tags_and_search.apply),
    Migration(13, 'receipts', v0013_receipts.apply),
    Migration(14, 'households that settle up', v0014_households.apply),
    Migration(15, 'currencies and exchange rates', v0015_currencies.apply),
    Migration(16, 'search index by household', v0016_search_by_household.apply),
    Migration(19, 'counters of expense writes', v0019_expense_watch.apply),
    Migration(20, 'settlements in any currency', v0020_settlement_currencies.apply),
    Migration(21, 'PostgreSQL search index by household', v0021_search_owned_postgres.apply),
]

LATEST_SCHEMA = max(migration.version for migration in MIGRATIONS)
ORDERED_UP_TO = 8


def schema_version() -> int:
    """The highest version this database has run; 0 for an empty one."""
    db.execute_sql('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
    row = db.execute_sql('SELECT MAX(version) FROM schema_version').fetchone()
    return int(row[0] or 0)


def _applied_versions() -> set[int]:
    with db.atomic():
        return {int(row[0]) for row in db.execute_sql('SELECT version FROM schema_version').fetchall()}


def run_migrations() -> list[str]:
    """Apply the pending migrations, each in its own transaction with its version row; returns what was
    applied. Refuses a database newer than the code."""
    applied = []
    with db.atomic():
        current = schema_version()
    if current > LATEST_SCHEMA:
        raise RuntimeError(
            f'The database is at schema {current} but this version of the app knows up to {LATEST_SCHEMA}; '
            'update the app or restore a matching backup.'
        )
    done = _applied_versions()
    for migration in MIGRATIONS:
        # up to ORDERED_UP_TO the versions were always applied in order (and older databases may hold only
        # their highest as a row); after it, by the set applied: features developed side by side land in
        # any order, and a database that got v11 before v10 existed must still receive v10
        if migration.version <= min(current, ORDERED_UP_TO) or migration.version in done:
            continue
        with db.atomic():
            migration.apply()
            db.execute_sql(f'INSERT INTO schema_version (version) VALUES ({int(migration.version)})')
        log.info('database migrated to schema %s (%s)', migration.version, migration.name)
        applied.append(f'{migration.version}: {migration.name}')
    return applied
