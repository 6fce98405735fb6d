"""The words of the offline capture page (/capture), which is plain static HTML and JavaScript: the server
renders them from the catalogue in every language at once (/pwa/capture-texts.json), the service worker keeps
that file, and the page picks the language of the user's last online visit (else the browser's).

Keys are what the JavaScript looks up; values are msgids (marked for extraction). `{n}` and `{username}` are
filled by the page.
"""

from __future__ import annotations

from app import i18n
from app.i18n import N_

CAPTURE_TEXTS: dict[str, str] = {
    'page_title': N_('Capture · What I Spend'),
    'heading': N_('Add an expense'),
    'subtitle': N_('Works without a connection: what you record waits on this device until it can be sent.'),
    'amount': N_('Amount'),
    'date': N_('Date'),
    'category': N_('Category'),
    'subcategory': N_('Subcategory (optional)'),
    'no_subcategory': N_('No subcategory'),
    'payment_method': N_('Payment method'),
    'description': N_('Description (optional)'),
    'position': N_('Add my position'),
    'save': N_('Save'),
    'waiting': N_('Waiting to be sent'),
    'nothing_waiting': N_('Nothing is waiting: every expense has been sent.'),
    'offline': N_('No connection: expenses are kept on this device and sent when the connection is back.'),
    'online': N_('Connected: waiting expenses are sent at once.'),
    'login_needed': N_('Your session has ended: log in again to send the waiting expenses. They stay here meanwhile.'),
    'log_in': N_('Log in'),
    'open_app': N_('Open the app'),
    'no_lists': N_('Open the app once while connected, so that this page knows your categories and payment methods.'),
    'needs_category': N_('Its category no longer exists: choose another one.'),
    'choose_category': N_('Choose a category'),
    'delete': N_('Delete'),
    'send_now': N_('Send now'),
    'kept': N_('Kept on this device: it will be sent when the connection is back.'),
    'sent': N_('Sent: {n}'),
    'amount_invalid': N_('Type an amount such as 12.50.'),
    'choose_both': N_('Choose a category and a payment method.'),
    'other_account': N_('Recorded as {username}: it waits until {username} logs in on this device.'),
    'locating': N_('Finding your position…'),
    'no_position': N_('The position is not available; the expense is kept without it.'),
}


def capture_texts() -> dict[str, dict[str, str]]:
    """{language: {key: text}} for every language of the app."""
    return {
        code: {key: i18n.translations(code).gettext(msgid) for key, msgid in CAPTURE_TEXTS.items()}
        for code in i18n.LANGUAGES
    }
