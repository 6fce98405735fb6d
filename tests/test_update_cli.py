"""`manage.py update` in real processes: check, update a running server (restarted by signal), a failed
update's exit status, and installs that are not git checkouts (release archives from a folder or a URL)."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.services.update_sources import write_release_archive
from tests.update_harness import Installation, add_migration, copy_working_tree, seeded_installation

pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.sqlite_only(
        reason='an installation with its SQLite file, read by tests/update_harness.py '
        '(the update of a PostgreSQL one: tests/test_update_postgres.py)'
    ),
]


@pytest.fixture
def install(tmp_path: Path):
    with seeded_installation(tmp_path) as installation:
        yield installation


def manage(install: Installation, *args: str, root: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, 'manage.py', *args],
        cwd=root or install.root,
        env={**install.env, **env},
        capture_output=True,
        text=True,
        timeout=240,
        stdin=subprocess.DEVNULL,
    )


def test_check_then_update_restarts_the_running_server(install: Installation) -> None:
    install.release('3.1.0', note='Faster dashboard.')
    install.start()
    pid = install.process.pid

    checked = manage(install, 'update', '--check')
    assert checked.returncode == 0, checked.stderr
    assert 'Installed version: 3.0.0' in checked.stdout
    assert 'Version 3.1.0 is available (tag v3.1.0)' in checked.stdout
    assert 'Faster dashboard.' in checked.stdout
    assert (install.root / 'VERSION').read_text().strip() == '3.0.0'

    refused = manage(install, 'update')
    assert refused.returncode == 1 and 'add --yes' in refused.stderr

    before = install.rows()
    done = manage(install, 'update', '--yes')
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'What I Spend 3.1.0 is installed.' in done.stdout
    assert 'asking the server' in done.stdout and 'the server answers as 3.1.0' in done.stdout
    assert install.health()['version'] == '3.1.0'
    assert install.process.pid == pid and install.process.poll() is None
    assert install.rows() == before
    status = install.status_file()
    assert status['state'] == 'succeeded' and status['executor'] == 'cli'

    again = manage(install, 'update', '--yes')
    assert again.returncode == 0 and 'Up to date.' in again.stdout


def test_failed_update_from_the_cli_exits_1_and_rolls_back(install: Installation) -> None:
    install.release('3.2.0', lambda root: add_migration(root, 904, '    raise RuntimeError("no way")'))
    before = install.rows()
    done = manage(install, 'update', '--yes')
    assert done.returncode == 1
    assert 'Run database migrations failed' in done.stderr and 'no way' in done.stderr
    assert 'rolled back to 3.0.0' in done.stderr
    assert (install.root / 'VERSION').read_text().strip() == '3.0.0'
    assert install.rows() == before


def test_branch_tip_and_tags_the_highest_version_wins(install: Installation) -> None:
    install.release('3.1.0')
    install.release('3.2.0', note='Not tagged yet.', tag=False)
    checked = manage(install, 'update', '--check')
    assert 'Version 3.2.0 is available (origin/main)' in checked.stdout
    assert 'Not tagged yet.' in checked.stdout and '## 3.1.0' in checked.stdout
    tags_only = manage(install, 'update', '--check', UPDATE_BRANCH='')
    assert 'Version 3.1.0 is available (tag v3.1.0)' in tags_only.stdout
    assert 'Not tagged yet.' not in tags_only.stdout


def test_local_changes_stop_the_update_before_anything_changes(install: Installation) -> None:
    install.release('3.3.0')
    (install.root / 'main.py').write_text((install.root / 'main.py').read_text() + '\n# my tweak\n')
    done = manage(install, 'update', '--yes')
    assert done.returncode == 1
    assert 'local changes to tracked files would be lost: main.py' in done.stderr
    assert (install.root / 'VERSION').read_text().strip() == '3.0.0'
    assert not list((install.folder / 'data').glob('backups/*.db'))


def archive_install(install: Installation, tmp_path: Path, change=None) -> tuple[Path, Path]:
    """An install unpacked from an archive (no .git) and a folder with release 3.1.0 in it."""
    root = tmp_path / 'unpacked'
    root.mkdir()
    copy_working_tree(root)
    (root / 'local-notes.txt').write_text('mine')
    release = tmp_path / 'release-src'
    release.mkdir()
    copy_working_tree(release)
    if change:
        change(release)
    (release / 'VERSION').write_text('3.1.0\n')
    text = (release / 'CHANGELOG.md').read_text()
    entry = '\n## 3.1.0 - 2026-12-01\n- Archived.\n\n## 3.0.0'
    (release / 'CHANGELOG.md').write_text(text.replace('\n## 3.0.0', entry))
    releases = tmp_path / 'releases'
    write_release_archive(release, '3.1.0', releases)
    return root, releases


def test_archive_install_updates_from_a_folder(install: Installation, tmp_path: Path) -> None:
    root, releases = archive_install(install, tmp_path)
    before = install.rows()
    done = manage(install, 'update', '--yes', root=root, UPDATE_SOURCE=str(releases))
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'release archives in' in done.stdout and 'Archived.' in done.stdout
    assert (root / 'VERSION').read_text().strip() == '3.1.0'
    assert (root / 'main.py').exists() and not (root / '.git').exists()
    assert (root / 'local-notes.txt').read_text() == 'mine'  # not part of the release: left alone
    assert install.rows() == before
    previous = list((install.folder / 'data' / 'updates').glob('*-3.1.0/previous-code/VERSION'))
    assert previous and previous[0].read_text().strip() == '3.0.0'


def test_archive_release_with_a_failing_migration_is_rolled_back(install: Installation, tmp_path: Path) -> None:
    root, releases = archive_install(
        install, tmp_path, lambda release: add_migration(release, 906, '    raise RuntimeError("broken archive")')
    )
    code_before = sorted(p.name for p in root.iterdir())
    before = install.rows()
    done = manage(install, 'update', '--yes', root=root, UPDATE_SOURCE=str(releases))
    assert done.returncode == 1 and 'broken archive' in done.stderr and 'rolled back to 3.0.0' in done.stderr
    assert (root / 'VERSION').read_text().strip() == '3.0.0'
    assert '906' not in (root / 'app' / 'migrations' / '__init__.py').read_text()
    assert sorted(p.name for p in root.iterdir()) == code_before
    assert (root / 'local-notes.txt').read_text() == 'mine'
    assert install.rows() == before


def test_archive_with_a_wrong_checksum_is_refused(install: Installation, tmp_path: Path) -> None:
    root, releases = archive_install(install, tmp_path)
    (releases / 'whatispend-3.1.0.tar.gz.sha256').write_text('0' * 64 + '  whatispend-3.1.0.tar.gz\n')
    done = manage(install, 'update', '--yes', root=root, UPDATE_SOURCE=str(releases))
    assert done.returncode == 1
    assert 'does not match its checksum' in done.stderr
    assert (root / 'VERSION').read_text().strip() == '3.0.0'
    (releases / 'whatispend-3.1.0.tar.gz.sha256').unlink()
    missing = manage(install, 'update', '--check', root=root, UPDATE_SOURCE=str(releases))
    assert missing.returncode == 1 and 'whatispend-3.1.0.tar.gz.sha256' in missing.stderr


def test_archive_install_checks_a_url(install: Installation, tmp_path: Path) -> None:
    root, releases = archive_install(install, tmp_path)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(releases))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f'http://127.0.0.1:{server.server_address[1]}/'
        checked = manage(install, 'update', '--check', root=root, UPDATE_SOURCE=url)
        assert checked.returncode == 0, checked.stderr
        assert 'Version 3.1.0 is available (whatispend-3.1.0.tar.gz)' in checked.stdout
        assert 'Archived.' in checked.stdout
        unset = manage(install, 'update', '--check', root=root, UPDATE_SOURCE='')
        assert unset.returncode == 1 and 'UPDATE_SOURCE is not set' in unset.stderr
    finally:
        server.shutdown()
        server.server_close()
