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
