"""What a person would meet on a page, found in the browser: errors, failed requests, overflow, axe-core.

Each problem is one readable line naming what is wrong and where (a CSS selector and the element's text), so
that a failing tour says what to fix without opening a trace.
"""

from __future__ import annotations

from dataclasses import fields
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.config import Settings

# WCAG 2.0-2.2, levels A and AA: colour contrast, labels, button and link names, image alternatives, ARIA...
AXE_OPTIONS = {
    'runOnly': {'type': 'tag', 'values': ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
    'resultTypes': ['violations'],
}
# Tiles come from the internet (MAP_TILE_URL); a test machine without it still draws the markers.
DEFAULT_TILES = next(f.default for f in fields(Settings) if f.name == 'map_tile_url')

# The elements that make the document wider than the window: those sticking out past the right edge whose
# parent does not (the outermost culprit), and that no scrolling or clipping box of theirs hides.
OVERFLOW = """() => {
    const width = window.innerWidth;
    const scrollWidth = document.scrollingElement.scrollWidth;
    if (scrollWidth <= width) return null;
    const sticksOut = el => el.getBoundingClientRect().right > width + 0.5;
    const clipped = el => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible' && !sticksOut(p)) return true;
        }
        return false;
    };
    const name = el => {
        let s = el.tagName.toLowerCase();
        if (el.id) s += '#' + el.id;
        const classes = [...el.classList].filter(c => !c.startsWith('q-') || c.length < 20).slice(0, 4);
        return s + classes.map(c => '.' + c).join('');
    };
    const path = el => {
        const parts = [];
        for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(name(e));
        return parts.join(' > ');
    };
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || !sticksOut(el)) continue;
        if (el.parentElement && el.parentElement !== document.body && sticksOut(el.parentElement)) continue;
        if (clipped(el)) continue;
        const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
        culprits.push(`${path(el)} (right edge at ${Math.round(box.right)} px) "${text}"`);
        if (culprits.length >= 5) break;
    }
    return {scrollWidth, width, culprits};
}"""

TEXT_OF = """targets => targets.map(target => {
    const el = typeof target === 'string' ? document.querySelector(target) : null;
    return el ? (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ').slice(0, 60) : '';
})"""


class PageWatch:
    """Console errors, uncaught exceptions and failed requests of one browser page, since the last reset."""

    def __init__(self, page, tile_url: str = DEFAULT_TILES) -> None:
        self.page = page
        self.tile_host = urlsplit(tile_url.replace('{s}', 'a')).hostname
        self.found: list[str] = []
        page.on('console', self._console)
        page.on('pageerror', lambda error: self.found.append(f'uncaught exception: {error}'))
        page.on('requestfailed', self._failed)
        page.on('response', self._response)

    def reset(self) -> None:
        self.found = []

    def problems(self) -> list[str]:
        found, self.found = self.found, []
        return found

    def _console(self, message) -> None:
        url = message.location.get('url', '')
        if message.type == 'error' and not self._tile(url):  # a tile that did not load says so in the console
            self.found.append(f'console error: {message.text} ({url})')

    def _tile(self, url: str) -> bool:
        return urlsplit(url).hostname == self.tile_host

    def _failed(self, request) -> None:
        if not self._tile(request.url):
            self.found.append(f'request failed: {request.method} {request.url} ({request.failure})')

    def _response(self, response) -> None:
        if response.status >= 400 and not self._tile(response.url):
            self.found.append(f'request answered {response.status}: {response.request.method} {response.url}')


# Fonts loaded, and every finite animation or transition (a drawer sliding, a dialog fading in) finished.
DRAWN = """async () => {
    await document.fonts.ready;
    const finite = document.getAnimations().filter(a => a.effect && a.effect.getTiming().iterations !== Infinity);
    await Promise.all(finite.map(a => a.finished.catch(() => null)));
    await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}"""


def drawn(page) -> None:
    """Wait until the page stands still (fonts, animations); the caller waited for its data first."""
    page.evaluate(DRAWN)


def overflow_problems(page) -> list[str]:
    result = page.evaluate(OVERFLOW)
    if not result:
        return []
    culprits = '; '.join(result['culprits']) or 'no single element found (check margins of the body)'
    return [f'horizontal overflow: the document is {result["scrollWidth"]} px wide in {result["width"]} px: {culprits}']


# colours are judged once they have settled: a notification fading in measured mid-way has no contrast at all
SETTLED = (
    '() => document.getAnimations().every('
    "a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)"
)


def _settle(page) -> None:
    try:
        page.wait_for_function(SETTLED, timeout=5_000)
    except PlaywrightTimeout:
        pass  # a page that never settles is judged as it is


def axe_problems(page) -> list[str]:
    _settle(page)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate('options => axe.run(document, options)', AXE_OPTIONS)
    if any(v['id'] == 'color-contrast' for v in results['violations']):
        # a notification that arrived while axe was measuring (a budget alert after the page connected) is
        # caught mid-transition: judge the colours again once it has settled; a real contrast problem stays
        _settle(page)
        results = page.evaluate('options => axe.run(document, options)', AXE_OPTIONS)
    problems = []
    for violation in results['violations']:
        nodes = violation['nodes']
        texts = page.evaluate(TEXT_OF, [node['target'][0] if len(node['target']) == 1 else None for node in nodes])
        for node, text in zip(nodes, texts):
            checks = node.get('any', []) + node.get('all', []) + node.get('none', [])
            detail = checks[0]['message'] if checks else violation['help']
            selector = ' '.join(str(part) for part in node['target'])
            problems.append(f'axe {violation["id"]} ({violation["impact"]}): {selector} "{text}": {detail}')
    return problems


# The header's height when its items fit one line is about 50 px; a second line makes it about 96 px.
HEADER_HEIGHT = "() => document.querySelector('.q-header')?.getBoundingClientRect().height ?? 0"


def header_problems(page) -> list[str]:
    """The header on one line, whatever the language: French labels once pushed Log out onto a second line."""
    height = page.evaluate(HEADER_HEIGHT)
    return [f'the header wraps onto a second line ({height:.0f} px high)'] if height > 64 else []


def page_problems(page) -> list[str]:
    return overflow_problems(page) + header_problems(page) + axe_problems(page)
