"""Backing up and restoring a PostgreSQL database with the client tools (pg_dump, pg_restore, psql).

A SQLite database is copied with the online backup API instead (sqlite_snapshot.py); these run only when
DATABASE_URL points to PostgreSQL.

The dump is pg_dump's custom format (`database.pgdump` in the archive). Its row counts and schema version,
which the manifest promises, are read from the server in the very snapshot pg_dump copies (an exported
snapshot), so a server that keeps writing during the backup cannot make the two disagree; verifying reads
them back from the dump itself (pg_restore turns it into SQL without a server). A restore runs in ONE
transaction: every table, view, sequence and function of the app's schema is dropped first (a backup older
than the database must not leave the newer tables behind), then the dump is loaded; any error and nothing
changed. The password travels in PGPASSWORD, never on a command line (where `ps` shows it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from playhouse.db_url import parse

from app.config import Settings
from app.i18n import Message
from app.services.errors import Invalid, NotFound

TIMEOUT = 3600
# the libpq connection keywords PostgreSQL 13+ clients know, which a DATABASE_URL's query string may carry
LIBPQ_KEYWORDS = frozenset(
    {
        'application_name',
        'channel_binding',
        'client_encoding',
        'connect_timeout',
        'gssencmode',
        'keepalives',
        'keepalives_count',
        'keepalives_idle',
        'keepalives_interval',
        'krbsrvname',
        'options',
        'passfile',
        'service',
        'sslcert',
        'sslcrl',
        'sslkey',
        'sslmode',
        'sslpassword',
        'sslrootcert',
        'target_session_attrs',
        'tcp_user_timeout',
    }
)
COPY_LINE = re.compile(r'^COPY (?P<name>.+?) (?:\(.*\) )?FROM stdin;$')

# Drops what the app's schema holds (not what an extension owns), so that the dump loaded next is all there is.
DROP_EVERYTHING = """
DO $drop$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT c.relname AS name, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
               WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
        FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
        ORDER BY c.relkind
    LOOP
        EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE', item.kind, current_schema(), item.name);
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure::text AS signature, p.prokind AS kind
        FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind IN ('f', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP %s IF EXISTS %s CASCADE', CASE item.kind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                       item.signature);
    END LOOP;
END
$drop$;
"""


def is_postgres_url(url: str) -> bool:
    return url.split('://', 1)[0] in ('postgres', 'postgresql', 'postgresext', 'postgres+pool', 'postgresql+pool')


def connection_parameters(url: str) -> dict[str, Any]:
    """The libpq keywords of a DATABASE_URL (dbname, host, port, user, password and the query string's
    libpq options), read as the app reads it (playhouse.db_url), so the tools reach the same database."""
    parsed = parse(url)
    params: dict[str, Any] = {'dbname': parsed.pop('database', '')}
    for key in ('host', 'port', 'user', 'password'):
        if parsed.get(key) not in (None, ''):
            params[key] = parsed[key]
    for key, value in parsed.items():
        if key in LIBPQ_KEYWORDS and value is not None:
            params[key] = ('1' if value else '0') if isinstance(value, bool) else value
    if not params['dbname']:
        raise Invalid(Message('DATABASE_URL names no database (expected postgresql://user@host/dbname).'))
    return params


def _conninfo(params: dict[str, Any]) -> str:
    """`key='value' ...` without the password (which goes into the environment)."""

    def quoted(value: Any) -> str:
        return "'" + str(value).replace('\\', '\\\\').replace("'", "\\'") + "'"

    return ' '.join(f'{key}={quoted(value)}' for key, value in params.items() if key != 'password')


def _environment(params: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith('PG')}  # only the URL decides
    if 'password' in params:
        env['PGPASSWORD'] = str(params['password'])
    return env


def client(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise Invalid(
            Message(
                '{name} is not installed; install the PostgreSQL client tools (apt install postgresql-client).',
                name=name,
            )
        )
    return found


def _failed(tool: str, stderr: str) -> Invalid:
    return Invalid(Message('{tool} failed: {error}', tool=tool, error=stderr.strip()[-500:]))


def table_key(schema: str, table: str) -> str:
    """How a table is named in a manifest: bare in the public schema, `schema.table` elsewhere."""
    return table if schema == 'public' else f'{schema}.{table}'


def _connect(settings: Settings) -> Any:
    """A psycopg connection to the installation's database; Invalid (not a traceback) when it cannot be had."""
    import psycopg

    try:
        return psycopg.connect(**connection_parameters(settings.database_url))
    except psycopg.Error as exc:
        raise Invalid(Message('The database cannot be reached: {problem}', problem=str(exc).strip()[:300])) from None


def has_schema(settings: Settings) -> bool:
    """Whether the database holds the app's tables (a new, empty database does not)."""
    with _connect(settings) as connection:
        return bool(connection.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0])


def dump(settings: Settings, target: Path) -> tuple[int, dict[str, int]]:
    """Write the database in pg_dump's custom format to `target`; returns its schema version and the row
    count of every table, both read in the snapshot that pg_dump copies. NotFound for a database that holds
    none of the app's tables yet (as for a SQLite file that does not exist)."""
    import psycopg

    params = connection_parameters(settings.database_url)
    pg_dump = client('pg_dump')
    with _connect(settings) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.transaction(), connection.cursor() as cursor:
            snapshot = cursor.execute('SELECT pg_export_snapshot()').fetchone()[0]
            tables = cursor.execute(
                'SELECT schemaname, tablename FROM pg_tables '
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
            ).fetchall()
            if not any(table == 'schema_version' for _, table in tables):
                raise NotFound(
                    Message(
                        'The database {name} holds no What I Spend tables yet; start the app or run '
                        '`manage.py db migrate` first.',
                        name=params['dbname'],
                    )
                )
            command = [pg_dump, '--format=custom', f'--snapshot={snapshot}', '--file', str(target)]
            done = subprocess.run(
                [*command, '--dbname', _conninfo(params)],
                env=_environment(params),
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
            if done.returncode != 0:
                raise _failed('pg_dump', done.stderr)
            counts = {}
            for schema, table in tables:
                query = f'SELECT COUNT(*) FROM "{schema}"."{table}"'.replace('\0', '')
                counts[table_key(schema, table)] = int(cursor.execute(query).fetchone()[0])
            version = int(cursor.execute('SELECT MAX(version) FROM schema_version').fetchone()[0] or 0)
    return version, counts


def _copied_name(raw: str) -> tuple[str, str]:
    """(schema, table) of a COPY line's `public."user"`."""
    parts = re.findall(r'"((?:[^"]|"")*)"|([^."]+)', raw)
    names = [quoted.replace('""', '"') if quoted else bare for quoted, bare in parts]
    return (names[0], names[-1]) if len(names) > 1 else ('public', names[-1])


def counts_in_sql(lines: Iterable[str]) -> tuple[int, dict[str, int]]:
    """The schema version and the row count of every table that a dump's SQL loads (one COPY line per row)."""
    counts: dict[str, int] = {}
    lines = iter(lines)
    version = 0
    for line in lines:
        found = COPY_LINE.match(line.rstrip('\n'))
        if not found:
            continue
        schema, table = _copied_name(found['name'])
        rows = 0
        for row in _copy_rows(lines):
            rows += 1
            if table == 'schema_version' and row.strip().isdigit():
                version = max(version, int(row))
        counts[table_key(schema, table)] = counts.get(table_key(schema, table), 0) + rows
    return version, counts


def _copy_rows(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if line.rstrip('\n') == '\\.':
            return
        yield line


def check_readable(dump_file: Path) -> None:
    """Invalid unless pg_restore reads the dump's table of contents (a cheap look: no data is read)."""
    done = subprocess.run([client('pg_restore'), '--list', str(dump_file)], capture_output=True, text=True)
    if done.returncode != 0:
        raise _failed('pg_restore', done.stderr)


def check(dump_file: Path, schema_version: int, row_counts: dict[str, int], where: str) -> None:
    """Refuse a backup's dump (`where` names the archive) that pg_restore cannot read, or that is not the
    one its manifest describes (schema version and row counts)."""
    command = [client('pg_restore'), '--data-only', '--file', '-', str(dump_file)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors='replace') as run:
        assert run.stdout is not None and run.stderr is not None
        version, counts = counts_in_sql(run.stdout)
        error = run.stderr.read()
    if run.returncode != 0:
        raise Invalid(
            Message('{where}: the database inside is not readable ({exc}).', where=where, exc=error.strip()[-300:])
        )
    if version != schema_version or counts != row_counts:
        raise Invalid(
            Message(
                '{where}: the database inside does not match the manifest (schema or row counts differ).', where=where
            )
        )


def restore(settings: Settings, dump_file: Path) -> None:
    """Empty the app's schema and load the dump, in one transaction: on any error nothing changes.

    A custom-format dump is turned into SQL first, completely (pg_restore, beside the dump): fed through a
    pipe, a pg_restore failing half-way would end psql's input early and psql would commit half a database."""
    params = connection_parameters(settings.database_url)
    script = dump_file.with_name('restore.sql')
    command = [client('pg_restore'), '--no-owner', '--no-privileges', '--clean', '--if-exists']
    done = subprocess.run([*command, '--file', str(script), str(dump_file)], capture_output=True, text=True)
    if done.returncode != 0:
        raise _failed('pg_restore', done.stderr)
    drop = dump_file.with_name('drop-everything.sql')
    drop.write_text(DROP_EVERYTHING, encoding='utf-8')
    psql = [client('psql'), '--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '--single-transaction']
    psql += ['--dbname', _conninfo(params), '--file', str(drop), '--file', str(script)]
    # no NOTICE per dropped table; a connection left inside a transaction makes the restore fail, not hang
    env = {**_environment(params), 'PGOPTIONS': '-c client_min_messages=warning -c lock_timeout=120s'}
    done = subprocess.run(psql, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if 'ERROR' in line] or [done.stderr.strip()]
        error = errors[-1].split('ERROR:', 1)[-1].strip()[:500]
        raise Invalid(Message('The dump could not be restored (nothing was changed): {error}', error=error))
