"""The README is the first thing a new user reads: its pictures must show, its examples must be true."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / 'README.md').read_text(encoding='utf-8')


def test_every_screenshot_the_readme_names_exists() -> None:
    named = set(re.findall(r'docs/screenshots/[\w./-]+\.(?:png|jpe?g|gif|webp|svg)', README))
    assert named, 'the README shows no screenshot at all'
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, f'the README names screenshots that do not exist: {missing}'


def test_every_image_link_resolves() -> None:
    """Markdown images and <img> tags alike; a path written without docs/ is broken on GitHub too."""
    targets = re.findall(r'!\[[^\]]*\]\(([^)\s]+)', README) + re.findall(r'<img[^>]+src="([^"]+)"', README)
    assert len(targets) >= 10
    broken = sorted(t for t in targets if not t.startswith(('http://', 'https://')) and not (ROOT / t).is_file())
    assert not broken, f'broken image links in the README: {broken}'


def test_version_examples_are_not_stale() -> None:
    version = (ROOT / 'VERSION').read_text(encoding='utf-8').strip()
    examples = re.findall(r'"version":\s*"(\d+\.\d+\.\d+)"', README)
    assert all(example == version for example in examples), f'{examples} in the README, {version} in VERSION'


def test_the_two_commands_stay() -> None:
    blocks = re.findall(r'```bash\n(.*?)```', README, flags=re.S)
    lines = {line.strip() for block in blocks for line in block.splitlines()}
    assert {'./install.sh', './install.sh test'} <= lines


GUIDES = ('CONTRIBUTING.md', 'docs/ARCHITECTURE.md')


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r'[^\w\- ]', '', heading.strip().lower()).replace(' ', '-')


def test_the_readme_sends_developers_to_the_guides() -> None:
    """Developer detail lives in CONTRIBUTING.md and docs/ARCHITECTURE.md; the README links both."""
    for guide in GUIDES:
        assert f']({guide})' in README, f'the README does not link {guide}'
        assert (ROOT / guide).is_file(), guide
    assert '## Development' in README
    development = README.split('## Development', 1)[1].split('\n## ', 1)[0]
    assert '```' not in development, 'the README carries developer commands again: move them to CONTRIBUTING.md'


def test_links_between_the_documents_resolve() -> None:
    for name in ('README.md', *GUIDES):
        path = ROOT / name
        text = path.read_text(encoding='utf-8')
        for target in re.findall(r'\]\(([^)\s]+)\)', text):
            if target.startswith(('http://', 'https://', 'mailto:')):
                continue
            file_part, _, anchor = target.partition('#')
            linked = (path.parent / file_part).resolve() if file_part else path
            assert linked.is_file() or linked.is_dir(), f'{name} links {target}, which does not exist'
            if anchor and linked.suffix == '.md':
                headings = re.findall(r'^#+ (.+)$', linked.read_text(encoding='utf-8'), flags=re.M)
                assert anchor in {_slug(h) for h in headings}, f'{name} links {target}: no such heading'


def test_the_guides_name_files_that_exist() -> None:
    """A renamed module leaves its old name in the guides; this names each stale one."""
    stale = []
    for guide in GUIDES:
        text = (ROOT / guide).read_text(encoding='utf-8')
        for path in set(re.findall(r'`((?:app|tests|bench|docs|completions)/[\w./{},<>-]+)', text)):
            if 'recurring' in path or '{' in path or '<' in path:  # examples and patterns, not files
                continue
            candidate = ROOT / path.rstrip('/.')
            dotted = ROOT / (path.rsplit('.', 1)[0] + '.py')  # `app/pages/components/actions.call_service`
            if not (candidate.exists() or dotted.exists()):
                stale.append(f'{guide}: {path}')
    assert not stale, 'named in the guides but missing:\n' + '\n'.join(sorted(stale))
