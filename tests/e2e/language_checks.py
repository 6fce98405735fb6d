"""Words of the wrong language on screen, and elements wider than a phone, found in the browser.

The catalogue knows both languages: every msgid is English, every msgstr French. A French page that shows a
text exactly equal to an msgid whose French differs shows an English word a translation missed (a label
built outside `_()`, a string a service wrote in English, a page that forgot the user's language); an
English page showing a French msgstr is the reverse. Only whole texts count (a text node, or a line of the
page's innerText), so that "Total" inside "Total spent" or a user's category named "Restaurant" (the same in
both) does not trip it; a tour seeds French data for its French user and English data for its English one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / 'app' / 'locale' / 'fr' / 'LC_MESSAGES' / 'messages.po'

# What a person sees: the lines of the body's innerText (hidden elements have none) and every text node
# whose element is drawn, each trimmed with its spaces collapsed; also the placeholders of visible fields.
# Icons are text too (a ligature: <i class="material-icons">place</i> draws a pin): their names are left out.
VISIBLE_TEXTS = """() => {
    const texts = new Set();
    const clean = s => (s || '').replace(/\\s+/g, ' ').trim();
    const ICONS = '.q-icon, .material-icons, [class*="material-symbols"]';
    const icons = new Set([...document.querySelectorAll(ICONS)].map(icon => clean(icon.textContent)));
    for (const line of document.body.innerText.split('\\n')) {
        if (!icons.has(clean(line))) texts.add(clean(line));
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(parent.tagName)) continue;
        if (parent.closest(ICONS)) continue;
        if (!parent.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
        texts.add(clean(node.textContent));
    }
    for (const field of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
        if (field.checkVisibility()) texts.add(clean(field.placeholder));
    }
    texts.delete('');
    return [...texts];
}"""

# Elements drawn wider than the window once every box that clips them (a scroller, overflow: hidden) has cut
# them down: at a phone's width nothing a person is meant to read may need a wider screen. The html and body
# elements clip nothing here: a page hiding its overflow there still cuts something off.
TOO_WIDE = """() => {
    const width = window.innerWidth;
    const clips = el => getComputedStyle(el).overflowX !== 'visible';
    const name = el => {
        let s = el.tagName.toLowerCase();
        const classes = [...el.classList].filter(c => c.length < 30).slice(0, 3);
        return s + classes.map(c => '.' + c).join('');
    };
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.width <= width + 0.5 || !el.checkVisibility()) continue;
        let left = box.left, right = box.right;
        const top = [document.body, document.documentElement];
        for (let p = el.parentElement; p && !top.includes(p); p = p.parentElement) {
            if (!clips(p)) continue;
            const outer = p.getBoundingClientRect();
            left = Math.max(left, outer.left);
            right = Math.min(right, outer.right);
        }
        if (right - left <= width + 0.5) continue;
        if (el.parentElement && found.some(f => f.el.contains(el))) continue;
        const text = (el.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
        found.push({el, line: `${name(el)} is ${Math.round(right - left)} px wide "${text}"`});
        if (found.length >= 5) break;
    }
    return found.map(f => f.line);
}"""


@cache
def _pairs() -> tuple[tuple[str, str], ...]:
    """(English msgid, French msgstr) of every message the two languages write differently."""
    with CATALOGUE.open('rb') as source:
        catalogue = read_po(source, locale='fr')
    pairs = []
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strs = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for english in ids:
            for french in strs:
                english, french = ' '.join(english.split()), ' '.join(french.split())  # as VISIBLE_TEXTS has them
                if english and french and english != french:
                    pairs.append((english, french))
    return tuple(pairs)


@cache
def foreign_words(language: str) -> frozenset[str]:
    """The texts that must not appear whole on a page in `language`: the other language's way of saying
    something this one says differently. Texts with a {placeholder} never show as such and are left out."""
    english = {e for e, _ in _pairs()}
    french = {f for _, f in _pairs()}
    # a word both languages use for different messages ("Total", "Date") is nobody's mistake
    if language == 'fr':
        return frozenset(word for word in english - french if '{' not in word)
    return frozenset(word for word in french - english if '{' not in word)


def wrong_language(page, language: str) -> list[str]:
    """Each text on screen that is the other language's, named with the message it came from."""
    foreign = foreign_words(language)
    shown = page.evaluate(VISIBLE_TEXTS)
    other = 'English' if language == 'fr' else 'French'
    return [f'{other} text on a {language} page: "{text}"' for text in sorted(set(shown) & foreign)]


def too_wide(page) -> list[str]:
    return [f'wider than the {page.viewport_size["width"]} px screen: {line}' for line in page.evaluate(TOO_WIDE)]
