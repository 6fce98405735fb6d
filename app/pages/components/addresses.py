"""Addresses a page writes into the browser itself, under a sub-path too (https://example.org/spend/).

NiceGUI puts the X-Forwarded-Prefix (app/web/prefix.py) before its own navigation, links, images, downloads
and redirects, but not before what we hand to the browser raw: the address bar rewritten with
`history.replaceState` (a month chosen, a tab opened) and links inside table slots (Vue templates). Without
the prefix those pointed outside the app, so a reload or a bookmark under /spend/ landed on the site's root.
"""

from __future__ import annotations

from nicegui import context, ui

from app.web.prefix import request_prefix


def base() -> str:
    """The sub-path of this page's client ('' at the root of its site, or outside a page)."""
    try:
        request = context.client.request
    except (RuntimeError, LookupError):  # no client or no request (a background task): the site's root
        return ''
    return request_prefix(request)


def here(path: str) -> str:
    """`path` (starting with /) as the browser must see it."""
    return base() + path


def replace_address(path: str) -> None:
    """Rewrite the address bar (no navigation), so that a reload or a bookmark comes back to what is shown."""
    ui.navigate.history.replace(here(path))
