"""Icons in a real browser: every known name draws a glyph of the bundled font, the picker works on a
phone, and deleting a category offers an Undo that brings it back."""

from __future__ import annotations

from app.services import icons
from tests.e2e.conftest import run_wizard

# A ligature of the Material Icons font is one glyph, 1em wide; an unknown name is drawn as letters.
GLYPH_WIDTHS = """async (names) => {
    await document.fonts.load('24px "Material Icons"');
    const widths = {};
    for (const name of names) {
        const probe = document.createElement('i');
        probe.className = 'material-icons';
        probe.style.cssText = 'font-size: 24px; display: inline-block; width: auto; position: absolute';
        probe.textContent = name;
        document.body.appendChild(probe);
        widths[name] = probe.getBoundingClientRect().width;
        probe.remove();
    }
    return widths;
}"""

NO_OVERFLOW = 'document.documentElement.scrollWidth <= document.documentElement.clientWidth'


def test_every_known_icon_is_a_glyph_of_the_bundled_font(page, server) -> None:
    page.goto(server.url + '/login')
    names = sorted(icons.KNOWN_ICONS)
    widths = page.evaluate(GLYPH_WIDTHS, [*names, 'dog'])
    assert widths['dog'] > 30  # the probe tells a missing name apart
    assert {name: width for name, width in widths.items() if name != 'dog' and abs(width - 24) > 0.5} == {}


def test_pick_an_icon_on_a_phone_then_delete_and_undo(page, server) -> None:
    run_wizard(page, server)
    page.set_viewport_size({'width': 390, 'height': 844})
    page.goto(server.url + '/categories')
    page.get_by_role('button', name='Edit Leisure').click()
    page.get_by_role('button', name='Choose an icon').click()
    search = page.get_by_label('Search icons')
    search.wait_for()
    assert page.evaluate(NO_OVERFLOW)
    current = page.locator('[aria-current="true"]')
    assert current.get_attribute('aria-label') == 'sports esports'
    # far down the grid, yet scrolled into view
    page.wait_for_function(
        """() => { const r = document.querySelector('[aria-current="true"]').getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }"""
    )
    search.fill('dog')
    page.get_by_role('button', name='pets', exact=True).click()
    search.wait_for(state='detached')
    assert page.get_by_label('Icon', exact=True).input_value() == 'pets'
    page.get_by_role('button', name='Save', exact=True).click()
    page.get_by_text('Leisure saved.').wait_for()

    page.get_by_role('button', name='Delete Leisure').click()
    page.get_by_text('Delete Leisure and its').wait_for()
    page.get_by_role('button', name='Delete', exact=True).click()
    page.get_by_text('Leisure deleted.').wait_for()
    page.get_by_role('button', name='Edit Leisure').wait_for(state='detached')
    page.get_by_role('button', name='Undo').click()
    page.get_by_text('Leisure restored.').wait_for()
    page.get_by_role('button', name='Edit Leisure').wait_for()
    assert page.evaluate(NO_OVERFLOW)
