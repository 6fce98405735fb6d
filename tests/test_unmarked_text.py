"""A string a person reads, written as a bare literal in a page, is a string no catalogue ever sees.

AST only: a str literal (or f-string) given as the first argument of a text-taking NiceGUI call, or as a
text keyword (label=, placeholder=, title=, success=, ...), must be wrapped in _()/ngettext()/N_(). It is a
floor, not a ceiling: text built in dicts (chart labels) or passed through variables is not seen; the
French e2e tour is the ceiling.

ALLOWANCE may name a file and the count it is allowed while a page is being marked; it is empty: every page
is marked.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / 'app' / 'pages'
TEXT_CALLS = {
    'label',
    'button',
    'notify',
    'input',
    'select',
    'checkbox',
    'switch',
    'tooltip',
    'step',
    'tab',
    'link',
    'chip',
    'badge',
    'expansion',
    'item_label',
    'radio',
    'number',
    'textarea',
    'date',
    'markdown',
    'page_title',
}
TEXT_KEYWORDS = {'label', 'placeholder', 'title', 'success', 'hint', 'caption', 'text', 'message', 'prefix', 'suffix'}
# literals that are the same in every language
NOT_TEXT = {'What I Spend'}
# TEMPORARY: the unmarked count per file when issue 15's branches started; tightened to {} after the merge
ALLOWANCE: dict[str, int] = {}


def _words(text: str) -> bool:
    return any(c.isalpha() for c in text) and text.strip(' ·:,-–—()') not in NOT_TEXT


def _bare(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _words(node.value)
    # an f-string is text when its own parts have words; `f'{day} · {name}'` only lays out values
    return isinstance(node, ast.JoinedStr) and any(
        isinstance(part, ast.Constant) and _words(str(part.value)) for part in node.values
    )


def unmarked(path: Path) -> list[str]:
    found = []
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, 'id', '')
        # ui.tab(name, label): the first argument is the tab's name (an id) when a label follows
        first = node.args[1] if name == 'tab' and len(node.args) > 1 else (node.args[0] if node.args else None)
        if name in TEXT_CALLS and first is not None and _bare(first):
            found.append(f'{where}:{node.lineno}: {name}({ast.unparse(first)[:60]})')
        found += [
            f'{where}:{node.lineno}: {keyword.arg}={ast.unparse(keyword.value)[:60]}'
            for keyword in node.keywords
            if keyword.arg in TEXT_KEYWORDS and _bare(keyword.value)
        ]
    return found


def test_the_lint_sees_bare_text_and_not_marked_text(tmp_path):
    sample = tmp_path / 'page.py'
    sample.write_text(
        "ui.label('Hello')\nui.button(f'Hi {x}')\nui.input(label='Name')\nui.label(_('Fine'))\n"
        "ui.label('12:30')\nui.notify(text)\nui.label('What I Spend')\n"
    )
    assert [line.split(': ', 1)[1] for line in unmarked(sample)] == [
        "label('Hello')",
        "button(f'Hi {x}')",
        "label='Name'",
    ]


def test_no_page_shows_unmarked_text():
    over = []
    for path in sorted(PAGES.rglob('*.py')):
        found = unmarked(path)
        allowed = ALLOWANCE.get(str(path.relative_to(ROOT)), 0)
        if len(found) > allowed:
            over.append(
                f'{path.relative_to(ROOT)}: {len(found)} unmarked (allowed {allowed}):\n  ' + '\n  '.join(found)
            )
    assert not over, 'wrap these in _() (see CONTRIBUTING.md, "Translations"):\n' + '\n'.join(over)
