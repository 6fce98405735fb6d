"""Item 7 and 16 of issue 13: the update source's credentials never leave the server, only administrators
check for updates, and git's whole complaint reaches the person who asked."""

from __future__ import annotations

import logging
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from nicegui.testing import User

from app.config import get_settings, use_settings
from app.logs import mask_secrets
from app.services import updates
from app.services.update_sources import GitSource, SourceError, git_reason
from app.services.updates import releases
from app.services.updates.status import Status, UpdateStatus, idle_record, write_json
from app.version import current_version
from tests.conftest import API_KEY, api_login, make_user

SECRET = 'ghp_s3cretT0ken'
REMOTE = f'https://deploy:{SECRET}@127.0.0.1:9/owner/whatispend.git'


def git_checkout(root: Path) -> Path:
    root.mkdir()
    subprocess.run(['git', 'init', '-q', '-b', 'main', str(root)], check=True)
    (root / 'VERSION').write_text('3.0.0\n')
    subprocess.run(['git', '-C', str(root), 'add', 'VERSION'], check=True)
    subprocess.run(
        ['git', '-C', str(root), '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'v3'], check=True
    )
    return root


@pytest.fixture
def remote_with_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = git_checkout(tmp_path / 'install')
    monkeypatch.setattr(releases, 'ROOT', root)  # where source_of looks for the checkout
    use_settings(replace(get_settings(), update_remote=REMOTE, update_branch='main'))
    return root


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        (REMOTE, 'https://***@127.0.0.1:9/owner/whatispend.git'),
        ('ssh://git@host/r.git and http://tok@h/x', 'ssh://***@host/r.git and http://***@h/x'),
        ("fatal: unable to access 'https://u:p@h/r/': 403", "fatal: unable to access 'https://***@h/r/': 403"),
        ('https://h/releases/?token=abc&x=1', 'https://h/releases/?token=***&x=1'),
        ('origin', 'origin'),
        ('/srv/releases', '/srv/releases'),
    ],
)
def test_mask_secrets(text: str, expected: str) -> None:
    assert mask_secrets(text) == expected


def test_a_check_never_shows_the_token(remote_with_token: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    result = updates.check(force=True)
    assert result.error, 'the remote does not answer, so the check reports an error'
    assert 'https://***@127.0.0.1:9/owner/whatispend.git' in result.source
    shown = str(result) + releases.check_path(get_settings()).read_text() + str(updates.cached_check())
    assert SECRET not in shown and SECRET not in caplog.text


def test_the_update_log_and_error_are_masked(tmp_path: Path) -> None:
    status = Status(get_settings(), idle_record())
    status.data['error'] = f'Fetch failed: git fetch {REMOTE} refused'
    status.log(f'fetching {REMOTE}')
    stored = updates.status_path().read_text()
    public = updates.read_status()
    assert SECRET not in stored and SECRET not in str(public)
    assert public.log[-1].message == 'fetching https://***@127.0.0.1:9/owner/whatispend.git'


def test_an_old_unmasked_status_is_masked_when_shown() -> None:
    status = {**idle_record(), 'error': f'cannot fetch {REMOTE}'}
    status['log'] = [{'time': '2026-12-02T10:00:00+00:00', 'level': 'error', 'message': f'from {REMOTE}'}]
    assert SECRET not in str(UpdateStatus.from_record(status))


async def test_only_administrators_check(user: User, remote_with_token: Path, monkeypatch) -> None:
    make_user('alice', admin=True)
    make_user('bob')
    asked = []
    monkeypatch.setattr(GitSource, 'refresh', lambda self: asked.append(self.remote))
    await api_login(user, 'bob')
    refused = await user.http_client.get(f'/sysapi/update/check?key={API_KEY}')
    assert refused.status_code == 403 and refused.json()['error'] == 'Only an administrator may do this.'
    assert asked == [], "a member's call must not contact the update source"
    status = (await user.http_client.get(f'/sysapi/update/status?key={API_KEY}')).json()
    assert SECRET not in str(status)
    await api_login(user, 'alice')
    answer = await user.http_client.get(f'/sysapi/update/check?key={API_KEY}')
    assert answer.status_code == 200 and asked == [REMOTE]
    assert SECRET not in answer.text and '***@127.0.0.1' in answer.json()['source']


def test_git_reason_keeps_the_whole_message() -> None:
    stderr = (
        "fatal: 'origin' does not appear to be a git repository\n"
        'fatal: Could not read from remote repository.\n\n'
        'Please make sure you have the correct access rights\n'
        'and the repository exists.\n'
    )
    assert git_reason(stderr) == (
        "'origin' does not appear to be a git repository; Could not read from remote repository; "
        'Please make sure you have the correct access rights and the repository exists.'
    )


def test_fetch_without_a_remote_says_why(tmp_path: Path) -> None:
    source = GitSource(git_checkout(tmp_path / 'install'), 'origin', 'main')
    with pytest.raises(SourceError) as caught:
        source.refresh()
    message = str(caught.value)
    assert message.startswith('git fetch --tags failed: ')
    assert "'origin' does not appear to be a git repository" in message
    assert 'and the repository exists.' in message
    assert '\n' not in message


def test_fetch_errors_are_masked(tmp_path: Path) -> None:
    source = GitSource(git_checkout(tmp_path / 'install'), f'https://deploy:{SECRET}@127.0.0.1:9/r.git', 'main')
    with pytest.raises(SourceError) as caught:
        source.refresh()
    assert SECRET not in str(caught.value)


async def test_the_page_never_shows_the_token(user: User) -> None:
    """A check stored by a version that did not mask, and a failed update's log: the tab shows neither
    token, and the log lines it shows are masked."""
    make_user('alice', admin=True)
    await api_login(user)
    write_json(
        releases.check_path(get_settings()),
        {
            'current_version': current_version(),
            'latest_version': current_version(),
            'update_available': False,
            'source': f'git remote {REMOTE} (branch main and release tags vX.Y.Z)',
            'release': '',
            'notes': [],
            'checked_at': '2099-01-01T00:00:00+00:00',
            'error': f'git fetch --tags failed: unable to access {REMOTE}.',
        },
    )
    status = {**idle_record(), 'state': 'failed', 'error': f'Fetch failed: {REMOTE}'}
    status['log'] = [{'time': '2026-12-02T10:00:00+00:00', 'level': 'error', 'message': f'fetching {REMOTE}'}]
    write_json(updates.status_path(), status)
    await user.open('/settings?tab=update')
    await user.should_see('https://***@127.0.0.1:9/owner/whatispend.git')
    await user.should_see('fetching https://***@127.0.0.1:9/owner/whatispend.git')
    await user.should_not_see(SECRET)


def test_the_cli_check_never_prints_the_token(
    remote_with_token: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from app.cli.update import update

    monkeypatch.setenv('UPDATE_REMOTE', REMOTE)
    with pytest.raises(SystemExit):
        update(check=True)  # the remote does not answer: exit 1 with the reason
    out = capsys.readouterr()
    assert 'Update source:     git remote https://***@127.0.0.1:9/owner/whatispend.git' in out.out
    assert 'cannot check for updates: git fetch' in out.err
    assert SECRET not in out.out + out.err
    log_file = get_settings().data_path / 'logs' / 'whatispend.log'
    assert not log_file.exists() or SECRET not in log_file.read_text()
