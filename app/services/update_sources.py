"""Where new versions come from: the git remote of a checkout, or a folder / URL of release archives.

A git checkout looks at UPDATE_BRANCH on UPDATE_REMOTE and at release tags vX.Y.Z; the highest version
wins (a tag before a branch tip of the same version). Any other install reads UPDATE_SOURCE, a folder
or an http(s) URL listing `whatispend-X.Y.Z.tar.gz` archives, each with `whatispend-X.Y.Z.tar.gz.sha256`
beside it; an archive whose checksum is missing or wrong is refused.

Both kinds answer the same questions: which releases exist, what a file of a release says (VERSION,
CHANGELOG.md, requirements.txt), and how to switch the code to a release and back.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlparse

from app.logs import mask_secrets
from app.services.checksums import sha256_file

VERSION_PATTERN = re.compile(r'^v?(\d+)\.(\d+)\.(\d+)$')
ARCHIVE_PATTERN = re.compile(r'whatispend-(\d+\.\d+\.\d+)\.tar\.gz(?!\.)')
CHANGELOG_HEADING = re.compile(r'^##\s+\[?v?(\d+\.\d+\.\d+)\]?[ \t]*(?:[-–—(][ \t]*([^)\n]*)\)?)?[ \t]*$', re.M)

# What belongs to the installation rather than to the code: never moved or replaced by an update.
KEPT_NAMES = frozenset(
    {'.git', '.venv', 'venv', 'data', 'config.env', 'backups', '.nicegui', '__pycache__', '.pytest_cache'}
)


class SourceError(Exception):
    """The update source cannot answer; the message says what to check."""


_GIT_PREFIX = re.compile(r'^(?:fatal|error|warning|remote|hint):\s*', re.I)


def git_reason(output: str) -> str:
    """git's whole complaint as one sentence: each `fatal:`/`error:` line starts a clause, the lines
    that continue it (git wraps its advice) are joined with spaces, clauses with semicolons."""
    clauses: list[str] = []
    fresh = True
    for raw in output.splitlines():
        line = raw.strip()
        if not line:
            fresh = True
            continue
        prefixed = _GIT_PREFIX.match(line)
        line = _GIT_PREFIX.sub('', line)
        if prefixed or fresh or not clauses:
            clauses.append(line)
        else:
            clauses[-1] = f'{clauses[-1]} {line}'
        fresh = False
    text = '; '.join(clause.rstrip(' .;') for clause in clauses if clause.rstrip(' .;'))
    return mask_secrets(text + '.') if text else ''


def parse_version(text: str) -> tuple[int, int, int] | None:
    match = VERSION_PATTERN.match(text.strip())
    return tuple(int(part) for part in match.groups()) if match else None  # type: ignore[return-value]


def is_newer(candidate: str, current: str) -> bool:
    new, old = parse_version(candidate), parse_version(current)
    return new is not None and (old is None or new > old)


@dataclass(frozen=True, slots=True)
class ChangelogEntry:
    version: str
    date: str  # as the heading gives it, '' when it gives none
    notes: str  # markdown


def changelog_between(text: str, current: str, latest: str) -> list[ChangelogEntry]:
    """The CHANGELOG.md entries newer than `current` up to `latest`, newest first."""
    low, high = parse_version(current) or (0, 0, 0), parse_version(latest)
    if high is None:
        return []
    headings = list(CHANGELOG_HEADING.finditer(text))
    entries = []
    for index, heading in enumerate(headings):
        version = heading.group(1)
        parsed = parse_version(version)
        if parsed is None or not (low < parsed <= high):
            continue
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        entries.append(ChangelogEntry(version, (heading.group(2) or '').strip(), text[heading.end() : end].strip()))
    entries.sort(key=lambda entry: parse_version(entry.version) or (0, 0, 0), reverse=True)
    return entries


@dataclass(frozen=True)
class Release:
    version: str
    ref: str  # a commit for git, the archive's file name for archives
    label: str  # what a person reads: "tag v3.1.0", "origin/main", "whatispend-3.1.0.tar.gz"


def run_git(root: Path, *args: str, timeout: float = 120) -> str:
    try:
        done = subprocess.run(
            ['git', '-C', str(root), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**os.environ, 'GIT_TERMINAL_PROMPT': '0'},  # a remote asking for a password fails, never waits
        )
    except FileNotFoundError:
        raise SourceError('git is not installed; install git or set UPDATE_SOURCE to a folder of release archives')
    except subprocess.TimeoutExpired:
        raise SourceError(f'git {args[0]} took more than {timeout:.0f} s; check the network and the remote')
    if done.returncode != 0:
        reason = git_reason(done.stderr or done.stdout) or f'exit status {done.returncode}.'
        raise SourceError(f'git {" ".join(args[:2])} failed: {reason}')
    return done.stdout


def is_git_checkout(root: Path) -> bool:
    return (root / '.git').exists() and shutil.which('git') is not None


class GitSource:
    kind = 'git'

    def __init__(self, root: Path, remote: str, branch: str) -> None:
        self.root, self.remote, self.branch = root, remote or 'origin', branch

    def describe(self) -> str:
        where = f'branch {self.branch} and ' if self.branch else ''
        return mask_secrets(f'git remote {self.remote} ({where}release tags vX.Y.Z)')

    @property
    def tracking_ref(self) -> str:
        """Where the fetched branch is kept: the usual remote-tracking ref for a named remote, a ref of
        our own when UPDATE_REMOTE is a URL or a path."""
        name = self.remote if re.fullmatch(r'[\w.-]+', self.remote) else 'whatispend-update'
        return f'refs/remotes/{name}/{self.branch}'

    def refresh(self) -> None:
        refspecs = [f'+refs/heads/{self.branch}:{self.tracking_ref}'] if self.branch else []
        run_git(self.root, 'fetch', '--tags', '--force', '--quiet', self.remote, *refspecs)

    def releases(self) -> list[Release]:
        found: list[Release] = []
        for line in run_git(self.root, 'tag', '--list', 'v*').split():
            if parse_version(line):
                sha = run_git(self.root, 'rev-list', '-n', '1', line).strip()
                found.append(Release(line.lstrip('v'), sha, f'tag {line}'))
        if self.branch:
            try:
                sha = run_git(self.root, 'rev-parse', '--verify', '--quiet', self.tracking_ref).strip()
            except SourceError:
                sha = ''
            if sha:
                version = self._show(sha, 'VERSION')
                if version and parse_version(version.strip()):
                    found.append(Release(version.strip(), sha, f'{mask_secrets(self.remote)}/{self.branch}'))
        return found

    def _show(self, sha: str, name: str) -> str | None:
        try:
            return run_git(self.root, 'show', f'{sha}:{name}', timeout=30)
        except SourceError:
            return None

    def read_file(self, release: Release, name: str) -> str | None:
        return self._show(release.ref, name)

    def local_changes(self) -> list[str]:
        out = run_git(self.root, 'status', '--porcelain', '--untracked-files=no')
        return [line[3:] for line in out.splitlines() if line.strip()]

    def check_readable(self, release: Release, work_dir: Path) -> None:
        run_git(self.root, 'cat-file', '-e', f'{release.ref}^{{commit}}')
        version = (self._show(release.ref, 'VERSION') or '').strip()
        if version != release.version:
            raise SourceError(f'{release.label} says VERSION {version or "(missing)"}, expected {release.version}')

    def snapshot(self, work_dir: Path) -> dict:
        revision = run_git(self.root, 'rev-parse', 'HEAD').strip()
        return {'revision': revision}

    def switch(self, release: Release, work_dir: Path, plan: dict) -> None:
        run_git(self.root, 'reset', '--keep', release.ref)
        plan['code_switched'] = True

    def restore(self, plan: dict) -> None:
        run_git(self.root, 'reset', '--hard', plan['revision'])


class ArchiveSource:
    kind = 'archive'

    def __init__(self, root: Path, location: str, download_dir: Path) -> None:
        self.root, self.location, self.download_dir = root, location, download_dir
        self.is_url = urlparse(location).scheme in ('http', 'https')

    def describe(self) -> str:
        return mask_secrets(f'release archives in {self.location}')

    def refresh(self) -> None:
        return None

    # --- listing and downloading ------------------------------------------------------------------

    def _url(self, name: str) -> str:
        return urljoin(self.location.rstrip('/') + '/', name)

    def _get(self, url: str) -> bytes:
        import httpx

        try:
            response = httpx.get(url, timeout=60, follow_redirects=True)
        except httpx.HTTPError as exc:
            raise SourceError(mask_secrets(f'cannot read {url}: {exc}'))
        if response.status_code != 200:
            raise SourceError(mask_secrets(f'{url} answered HTTP {response.status_code}'))
        return response.content

    def _names(self) -> list[str]:
        if self.is_url:
            return ARCHIVE_PATTERN.findall(self._get(self.location).decode('utf-8', 'replace'))
        folder = Path(self.location)
        if not folder.is_dir():
            raise SourceError(f'UPDATE_SOURCE {mask_secrets(self.location)} is not a folder or an http(s) URL')
        return [m.group(1) for m in (ARCHIVE_PATTERN.fullmatch(p.name) for p in folder.iterdir()) if m]

    def releases(self) -> list[Release]:
        versions = sorted(set(self._names()), key=lambda name: parse_version(name) or (0, 0, 0))
        return [Release(v, f'whatispend-{v}.tar.gz', f'whatispend-{v}.tar.gz') for v in versions]

    def _read_source(self, name: str) -> bytes:
        if self.is_url:
            return self._get(self._url(name))
        path = Path(self.location) / name
        try:
            return path.read_bytes()
        except OSError as exc:
            raise SourceError(f'cannot read {path}: {exc.strerror}')

    def archive(self, release: Release) -> Path:
        """The release's archive, downloaded once and checked against its .sha256."""
        self.download_dir.mkdir(parents=True, exist_ok=True)
        target = self.download_dir / release.ref
        checksum_text = self._read_source(release.ref + '.sha256').decode('ascii', 'replace').split()
        expected = checksum_text[0].lower() if checksum_text else ''
        if not re.fullmatch(r'[0-9a-f]{64}', expected):
            raise SourceError(f'{release.ref}.sha256 does not hold a SHA-256 checksum')
        if not target.exists() or sha256_file(target) != expected:
            data = self._read_source(release.ref)
            if hashlib.sha256(data).hexdigest() != expected:
                raise SourceError(f'{release.ref} does not match its checksum; the download is damaged or altered')
            partial = target.with_suffix('.part')
            partial.write_bytes(data)
            partial.replace(target)
        return target

    def read_file(self, release: Release, name: str) -> str | None:
        with tarfile.open(self.archive(release)) as tar:
            for member in tar.getmembers():
                parts = Path(member.name).parts
                if member.isfile() and (parts == (name,) or (len(parts) == 2 and parts[1] == name)):
                    handle = tar.extractfile(member)
                    return handle.read().decode('utf-8', 'replace') if handle else None
        return None

    # --- switching --------------------------------------------------------------------------------

    def local_changes(self) -> list[str]:
        return []

    def check_readable(self, release: Release, work_dir: Path) -> None:
        staging = self._extract(release, work_dir)
        version = (staging / 'VERSION').read_text(encoding='utf-8').strip() if (staging / 'VERSION').exists() else ''
        if version != release.version:
            raise SourceError(f'{release.ref} says VERSION {version or "(missing)"}, expected {release.version}')
        if not (staging / 'main.py').exists():
            raise SourceError(f'{release.ref} has no main.py; it is not a What I Spend release')

    def _extract(self, release: Release, work_dir: Path) -> Path:
        staging = work_dir / 'staging'
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        try:
            with tarfile.open(self.archive(release)) as tar:
                tar.extractall(staging, filter='data')
        except (tarfile.TarError, OSError) as exc:
            raise SourceError(f'cannot unpack {release.ref}: {exc}')
        entries = list(staging.iterdir())
        if len(entries) == 1 and entries[0].is_dir():
            return entries[0]
        return staging

    def snapshot(self, work_dir: Path) -> dict:
        return {'revision': f'archive install {_read_version(self.root)}'}

    def _code_entries(self, folder: Path) -> list[str]:
        return sorted(p.name for p in folder.iterdir() if p.name not in KEPT_NAMES)

    def switch(self, release: Release, work_dir: Path, plan: dict) -> None:
        staging = self._extract(release, work_dir)
        previous = work_dir / 'previous-code'
        previous.mkdir(parents=True, exist_ok=True)
        plan['previous_code'] = str(previous)
        plan['moved'] = []
        plan['added'] = []
        plan['code_switched'] = True
        # Only what the release brings is replaced: a file of the installation that the release does not
        # contain (a database or a certificate put beside the code) stays where it is.
        for name in self._code_entries(staging):
            target = self.root / name
            if target.exists() or target.is_symlink():
                shutil.move(str(target), str(previous / name))
                plan['moved'].append(name)
            shutil.move(str(staging / name), str(target))
            plan['added'].append(name)

    def restore(self, plan: dict) -> None:
        previous = Path(plan['previous_code'])
        for name in plan.get('added', []):
            path = self.root / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
        for name in plan.get('moved', []):
            if (previous / name).exists() or (previous / name).is_symlink():
                shutil.move(str(previous / name), str(self.root / name))


def _read_version(root: Path) -> str:
    try:
        return (root / 'VERSION').read_text(encoding='utf-8').strip()
    except OSError:
        return '0.0.0'


def source_for(root: Path, remote: str, branch: str, location: str, download_dir: Path):
    """The source this installation updates from; SourceError when there is none."""
    if is_git_checkout(root):
        return GitSource(root, remote, branch)
    if location:
        return ArchiveSource(root, location, download_dir)
    raise SourceError(
        'this installation is not a git checkout and UPDATE_SOURCE is not set; set UPDATE_SOURCE in config.env '
        'to a folder or URL holding whatispend-X.Y.Z.tar.gz release archives'
    )


def release_file_name(version: str) -> str:
    return f'whatispend-{version}.tar.gz'


def write_release_archive(source_dir: Path, version: str, out_dir: Path) -> Path:
    """Pack `source_dir` as a release archive with its checksum (used by maintainers and tests)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / release_file_name(version)
    prefix = f'whatispend-{version}'

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        parts = Path(info.name).parts[1:]
        if parts and parts[0] in KEPT_NAMES - {'data'}:
            return None
        if parts and parts[0] == 'data' and len(parts) > 1 and parts[1] != '.gitkeep':
            return None
        return None if '__pycache__' in parts else info

    with tarfile.open(archive, 'w:gz') as tar:
        tar.add(source_dir, arcname=prefix, filter=keep)
    (out_dir / (archive.name + '.sha256')).write_text(f'{sha256_file(archive)}  {archive.name}\n', encoding='ascii')
    return archive


__all__ = [
    'ArchiveSource',
    'GitSource',
    'Release',
    'SourceError',
    'changelog_between',
    'git_reason',
    'is_newer',
    'parse_version',
    'source_for',
    'write_release_archive',
]
