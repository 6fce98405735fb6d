"""Fuzzing every /sysapi operation with schemathesis against a real server on loopback, authenticated.

Checks: no 5xx, every status code, content type and body as documented in the OpenAPI schema.
On top of what schemathesis generates from the schema, every operation also gets ids past 2^63 in
its integer path parameters and bodies that are not UTF-8. Run time stays around a minute:
FUZZ_EXAMPLES cases per operation (more with WIS_FUZZ_EXAMPLES=200 for a long run).
"""

from __future__ import annotations

import os

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi import checks

from app.config import load, use_settings
from app.db import close_database, open_database
from app.migrations import run_migrations
from tests.e2e.harness import make_server

FUZZ_EXAMPLES = int(os.environ.get('WIS_FUZZ_EXAMPLES', '12'))
HUGE_IDS = (2**63, 2**64, -(2**63) - 1)
FUZZ_TOKEN_ID = 1_234_567_891
NOT_UTF8 = b'\xff\xfe\xfd{"name": "\xc3\x28"}\x80'
CHECKS = [
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
# Operations that would end the fuzzing itself or touch the installation: fuzzed with their own rules.
NOT_FUZZED: dict[tuple[str, str], str] = {}


def prepare_data(env: dict[str, str]) -> str:
    """An admin set up as by the wizard (categories, payment methods), a second user; the admin's token."""
    from app.models import ApiToken, Category, Expense, PaymentMethod
    from app.services import setup, tokens, users

    use_settings(load(environ=env))
    open_database(load(environ=env).database_url)
    run_migrations()
    try:
        admin = setup.complete_setup(setup.SetupChoices('fuzzer', 'fuzzing password', 'fuzzing password'))
        users.create_user('bob', 'bob password 1')
        category = Category.select().where(Category.owner == admin).first()
        method = PaymentMethod.select().where(PaymentMethod.owner == admin).first()
        for n in range(1, 6):
            Expense.create(
                owner=admin,
                amount_cents=n * 1234,
                date=f'2026-0{n}-1{n}',
                category=category,
                payment_method=method,
                description=f'seed {n}',
            )
        decoy, _ = tokens.create_token(admin, 'revocable by the fuzzer')
        row, token = tokens.create_token(admin, 'fuzzing')
        row.delete_instance()
        # the fuzzing token gets an id the fuzzer will not guess, so that DELETE /sysapi/tokens/{id} spares it
        ApiToken.create(id=FUZZ_TOKEN_ID, user=admin, name='fuzzing', token_hmac=row.token_hmac)
        return token
    finally:
        close_database()
        use_settings(None)


@pytest.fixture(scope='module')
def live(tmp_path_factory):
    # POST /sysapi/update/execute is fuzzed too: a remote that does not exist keeps it from touching this checkout
    server = make_server(tmp_path_factory.mktemp('fuzz'), UPDATE_REMOTE='no-such-remote-while-fuzzing')
    token = prepare_data(server.env)
    server.start()
    yield server, {'Authorization': f'Bearer {token}'}
    server.stop()


def sysapi_operations(server) -> list[tuple[str, str]]:
    spec = httpx.get(server.url + '/openapi.json', timeout=30).json()
    return sorted(
        (method.upper(), path)
        for path, item in spec['paths'].items()
        if path.startswith('/sysapi')
        for method in item
        if method in ('get', 'post', 'put', 'patch', 'delete')
    )


def test_schemathesis_over_every_sysapi_operation(live) -> None:
    server, auth = live
    schema = schemathesis.openapi.from_url(server.url + '/openapi.json')
    fuzzed, failures = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith('/sysapi'):
            continue
        key = (operation.method.upper(), operation.path)
        if key in NOT_FUZZED:
            continue
        fuzzed.append(key)

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call(base_url=server.url, headers=auth, timeout=30)
            assert response.status_code < 500, f'{case.method} {case.formatted_path}: {response.status_code}'
            case.validate_response(response, checks=CHECKS, headers=auth)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - gather every operation's failure, then report them all
            failures.append(f'{key[0]} {key[1]}:\n{exc}')
    assert set(fuzzed) | set(NOT_FUZZED) == set(sysapi_operations(server))
    assert not failures, '\n\n'.join(failures)
    assert httpx.get(server.url + '/sysapi/session', headers=auth).json()['authenticated']  # still fuzzing as admin
    assert 'Traceback' not in ''.join(server.output)


def integer_fields(schema: dict, spec: dict) -> set[str]:
    """Names of the integer properties of a request body schema ($ref and anyOf followed)."""
    if '$ref' in schema:
        schema = spec['components']['schemas'][schema['$ref'].rsplit('/', 1)[-1]]
    names = set()
    for name, prop in (schema.get('properties') or {}).items():
        kinds = [prop, *prop.get('anyOf', []), *prop.get('oneOf', [])]
        if any(kind.get('type') == 'integer' for kind in kinds):
            names.add(name)
    return names


def huge_id_cases(operation, base_url: str, auth: dict, path_ints: set, query_ints: set, body_ints: set):
    """A hypothesis test of `operation` whose integers (path, query, body) are all past 2^63."""

    @settings(
        max_examples=len(HUGE_IDS),
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), huge=st.sampled_from(HUGE_IDS))
    def run(case, huge: int) -> None:
        for name in path_ints:
            case.path_parameters[name] = huge
        if query_ints:
            case.query = {**(case.query or {}), **dict.fromkeys(query_ints, huge)}
        if body_ints and isinstance(case.body, dict):
            case.body = {**case.body, **dict.fromkeys(body_ints, huge)}
        response = case.call(base_url=base_url, headers=auth, timeout=30)
        assert response.status_code < 500, f'{case.method} {case.formatted_path} {case.body!r}: {response.status_code}'
        case.validate_response(response, checks=CHECKS, headers=auth)

    return run


def test_ids_past_2_63_in_paths_queries_and_bodies(live) -> None:
    """Every integer a client sends (path, query, body) set past what a 64-bit database column holds."""
    server, auth = live
    spec = httpx.get(server.url + '/openapi.json', timeout=30).json()
    schema = schemathesis.openapi.from_url(server.url + '/openapi.json')
    failures, tried = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        if not operation.path.startswith('/sysapi') or key in NOT_FUZZED:
            continue
        item = spec['paths'][operation.path][operation.method.lower()]
        params = item.get('parameters', [])
        path_ints = {p['name'] for p in params if p['in'] == 'path' and p['schema'].get('type') == 'integer'}
        query_ints = {p['name'] for p in params if p['in'] == 'query' and p['schema'].get('type') == 'integer'}
        body_ints = set()
        for content in item.get('requestBody', {}).get('content', {}).values():
            body_ints |= integer_fields(content.get('schema', {}), spec)
        if not (path_ints or query_ints or body_ints):
            continue
        tried.append(key)
        run = huge_id_cases(operation, server.url, auth, path_ints, query_ints, body_ints)
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - gather every operation's failure, then report them all
            failures.append(f'{key[0]} {key[1]}:\n{exc}')
    assert tried  # at least DELETE /sysapi/tokens/{token_id}
    assert not failures, '\n\n'.join(failures)
    assert 'Traceback' not in ''.join(server.output)


def test_non_utf8_bodies_everywhere(live) -> None:
    server, auth = live
    spec = httpx.get(server.url + '/openapi.json', timeout=30).json()
    problems = []
    with httpx.Client(base_url=server.url, headers=auth, timeout=30) as client:
        for path, item in spec['paths'].items():
            if not path.startswith('/sysapi'):
                continue
            for method, operation in item.items():
                if (method.upper(), path) in NOT_FUZZED or 'requestBody' not in operation:
                    continue
                params = operation.get('parameters', [])
                url = path.format(**{p['name']: 1 for p in params if p['in'] == 'path'})
                for content_type in ('application/json', 'application/x-www-form-urlencoded', ''):
                    headers = {'Content-Type': content_type} if content_type else {}
                    response = client.request(method.upper(), url, content=NOT_UTF8, headers=headers)
                    if response.status_code >= 500 or response.status_code < 400:
                        problems.append(f'{method.upper()} {url} ({content_type}): {response.status_code}')
                    elif 'error' not in response.json():
                        problems.append(f'{method.upper()} {url}: no error message: {response.text[:200]}')
    assert not problems, '\n'.join(problems)
    assert 'Traceback' not in ''.join(server.output)
