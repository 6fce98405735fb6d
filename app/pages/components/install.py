"""What makes the app installable, in every page's head: the manifest, the theme colours (light and dark),
the Apple touch icon and meta tags, and the script that installs the service worker (a file: the capture
page's CSP allows no inline script, and the app's pages need none for this)."""

from __future__ import annotations

from nicegui import context, ui

from app.web.prefix import request_prefix

THEME_LIGHT = '#4f46e5'
THEME_DARK = '#121212'

INSTALL_HEAD = (
    '<link rel="manifest" href="{prefix}/manifest.webmanifest">'
    f'<meta name="theme-color" content="{THEME_LIGHT}" media="(prefers-color-scheme: light)">'
    f'<meta name="theme-color" content="{THEME_DARK}" media="(prefers-color-scheme: dark)">'
    '<meta name="mobile-web-app-capable" content="yes">'
    '<meta name="apple-mobile-web-app-capable" content="yes">'
    '<meta name="apple-mobile-web-app-status-bar-style" content="default">'
    '<meta name="apple-mobile-web-app-title" content="What I Spend">'
    '<link rel="apple-touch-icon" href="{prefix}/pwa/icons/apple-touch-icon.png">'
    '<script type="module" src="{prefix}/pwa/register.js"></script>'
    # the expense dialog's buttons stick to the bottom of its card (the card scrolls, padding 16px); the page
    # keeps room under its content for the floating add button of phones
    '<style>'
    '.wis-sticky-footer{position:sticky;bottom:-16px;margin-bottom:-16px;padding-bottom:16px;z-index:3;'
    'background:#fff}'
    '.body--dark .wis-sticky-footer{background:#1e1e2e}'
    '@media (max-width:1023.98px){.wis-page{padding-bottom:88px}}'
    '</style>'
)


def install_head() -> None:
    # under a sub-path the files are under it too (the prefix has a plain shape: app/web/prefix.py)
    ui.add_head_html(INSTALL_HEAD.replace('{prefix}', request_prefix(context.client.request)))
