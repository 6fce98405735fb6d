"""Colours and the dark-mode decision shared by every page.

Quasar draws text, borders and fills in its brand colours through CSS variables (`--q-primary` ...). One
colour cannot serve everywhere: the indigo that reads well on white is about 3:1 on a dark page, and the
light indigo that reads well on a dark page cannot carry white text. So each brand colour has, per theme,
a text colour (`--q-*`: text, icons, outlines, on the page's own background) and a fill (`--wis-fill-*`:
the background of filled buttons, badges, notifications, the header, under white or dark text). Every
pair is at least 4.5:1 (WCAG AA for normal text) on the backgrounds it meets; the tour test
(tests/e2e/test_tour.py) measures them with axe-core in both themes.
"""

from __future__ import annotations

import copy
import html

from nicegui import ui
from nicegui.language import Language

from app import i18n
from app.i18n import _

# name: (light text, light fill, dark text, dark fill); the fills carry white text, but warning's dark text
BRAND = {
    'primary': ('#4f46e5', '#4f46e5', '#a5b4fc', '#4f46e5'),
    'secondary': ('#6d28d9', '#6d28d9', '#c4b5fd', '#6d28d9'),
    'accent': ('#7c3aed', '#7c3aed', '#c4b5fd', '#7c3aed'),
    'positive': ('#047857', '#047857', '#6ee7b7', '#047857'),
    'negative': ('#be123c', '#be123c', '#fda4af', '#be123c'),
    'info': ('#0369a1', '#0369a1', '#7dd3fc', '#0369a1'),
    'warning': ('#92400e', '#f2c037', '#fcd34d', '#f2c037'),
}
PRIMARY = BRAND['primary'][0]
SECONDARY = BRAND['secondary'][0]
DARK_PAGE = '#121212'
DARK_CARD = '#1e1e2e'


def _variables(column_text: int, column_fill: int) -> str:
    # !important: Quasar writes its default brand colours into the body's own style attribute
    return ''.join(
        f'--q-{name}:{colours[column_text]}!important;--wis-fill-{name}:{colours[column_fill]};'
        for name, colours in BRAND.items()
    )


THEME_CSS = (
    '<style>'
    f'body{{{_variables(0, 1)}}}'
    f'body.body--dark{{{_variables(2, 3)}--q-dark-page:{DARK_PAGE}!important;}}'
    # Quasar's `.bg-primary{background:var(--q-primary)!important}` sits in a CSS layer that no unlayered rule
    # overrides; the variable, set on the filled element itself, does
    + ''.join(f'body .bg-{name}{{--q-{name}:var(--wis-fill-{name})}}' for name in BRAND)
    # Quasar's greys for steps not reached yet and for hints are below 4.5:1; these are not
    + '.q-stepper__tab{color:#616161}.body--dark .q-stepper__tab{color:#bdbdbd}'
    '.q-field__bottom{color:rgba(0,0,0,.68)}.body--dark .q-field__bottom{color:rgba(255,255,255,.74)}'
    # white marks on a light fill (dark theme): dark marks instead
    '.body--dark .q-checkbox__svg{color:#121212}'
    f'.body--dark .q-card{{background:{DARK_CARD}}}'
    # Quasar's tooltip grey measured 4.41:1 under white words (axe, the dashboard's view switch); this is 10:1
     + '.q-tooltip{background:#424242}'
    '.nav-active{background:rgba(127,127,127,.22)}.wis-page{max-width:1200px;margin:0 auto;width:100%}'
    # a phone: the vertical stepper's 60px indent cut the wizard's choices ("Français (France) — 1 234,…")
    '@media (max-width:599px){.q-stepper--vertical .q-stepper__step-inner{padding:0 8px 24px 36px}}'
    '</style>'
)
# Quasar's loading bar is a progress bar without a name (axe: aria-progressbar-name); it gets one when it appears.
NAME_LOADING_BAR = """<script>
document.addEventListener('DOMContentLoaded', () => {
  const name = () => document.querySelectorAll('.q-loading-bar:not([aria-label])')
    .forEach(bar => bar.setAttribute('aria-label', document.querySelector('meta[name=wis-loading]')?.content));
  new MutationObserver(name).observe(document.body, {childList: true});
  name();
});
</script>"""


# Quasar's language pack (date picker months, table pagination, "No data") and <html lang>, per app language
QUASAR_LANGUAGE: dict[str, Language] = {'en': 'en-US', 'fr': 'fr'}


def theme_to_dark(theme: str) -> bool | None:
    return {'dark': True, 'light': False}.get(theme)


def apply_theme(theme: str) -> ui.dark_mode:
    """Render the page already in the user's theme (no flash of light) and return the switch."""
    client = ui.context.client
    client.page = copy.copy(client.page)  # per-client, so one user's theme never leaks into another's page
    client.page.dark = theme_to_dark(theme)
    # the language of the text (<html lang>, for screen readers) and of Quasar's own texts: the page's (start_page)
    client.page.language = QUASAR_LANGUAGE.get(i18n.current(), 'en-US')
    # the loading bar's name in the page's language (a translation, escaped all the same)
    name = html.escape(_('Loading'))
    loading = f'<meta name="wis-loading" content="{name}">'
    ui.add_head_html(THEME_CSS + loading + NAME_LOADING_BAR)
    return ui.dark_mode(theme_to_dark(theme))
