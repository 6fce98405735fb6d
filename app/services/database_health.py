"""What /sysapi/health answers: whether the database responds, and the version this process runs.

Monitors poll it, and an update waits on it to know that a (re)started server runs the version expected.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.db import db
from app.version import current_version

# Read once, at import: a server still running the old code must not claim the version that an update
# has just written to disk.
RUNNING_VERSION = current_version()


@dataclass(frozen=True, slots=True)
class Health:
    status: str  # ok | degraded
    version: str
    database: str  # ok | unavailable

    @property
    def ok(self) -> bool:
        return self.status == 'ok'


def health() -> Health:
    try:
        db.execute_sql('SELECT 1')
        database = 'ok'
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        database = 'unavailable'
    return Health(status='ok' if database == 'ok' else 'degraded', version=RUNNING_VERSION, database=database)
