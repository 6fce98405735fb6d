"""`manage.py i18n ...`: the translation catalogues (app/locale), through Babel's own commands.

extract: the marked strings of the code -> app/locale/messages.pot; update: the .pot into every
<lang>/LC_MESSAGES/messages.po (new entries empty, gone ones dropped); compile: the .po -> .mo the app
reads (./install.sh and the updater do it); init <lang>: a new language; check: every marked string is
translated in every catalogue. Adding a language: CONTRIBUTING.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from app.cli.errors import fail
from app.i18n import LANGUAGES, LOCALE_DIR, _, ngettext
from app.i18n.catalogues import KEYWORDS, ROOT, problems, source_msgids

POT = LOCALE_DIR / 'messages.pot'


def _keywords() -> list[str]:
    words = []
    for name, spec in KEYWORDS.items():
        words += ['-k', name if spec is None else f'{name}:{",".join(str(i) for i in spec)}']
    return words


def _pybabel(*args: str) -> None:
    """Babel's own command line, run from the project's root so that the locations it writes are relative."""
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(['pybabel', '--quiet', *args])
    finally:
        os.chdir(here)


class I18nCommands:
    """Translation catalogues: extract, update, compile, init a language, check."""

    def extract(self) -> None:
        """Collect the marked strings of the code into app/locale/messages.pot."""
        _pybabel(
            'extract',
            '-F',
            'babel.cfg',
            *_keywords(),
            '--add-location=file',
            '--sort-output',
            '--no-wrap',
            '--project=What I Spend',
            '--copyright-holder=What I Spend contributors',
            '-o',
            str(POT.relative_to(ROOT)),
            '.',
        )
        print(_('Extracted the marked strings into {path}.', path=POT.relative_to(ROOT)))

    def update(self) -> None:
        """Merge messages.pot into every language's messages.po (new strings empty; run extract first)."""
        _pybabel(
            'update', '-i', str(POT), '-d', str(LOCALE_DIR), '--no-wrap', '--ignore-obsolete', '--no-fuzzy-matching'
        )
        print(_('Updated the catalogues; fill the empty msgstr entries, then run `manage.py i18n check`.'))

    def compile(self) -> None:
        """Build the .mo files the app reads from the .po files (done by ./install.sh and the updater)."""
        _pybabel('compile', '-d', str(LOCALE_DIR.relative_to(ROOT)))
        print(_('Compiled the catalogues.'))

    def init(self, language: str) -> None:
        """Start the catalogue of a new language, e.g. `manage.py i18n init de`."""
        if (LOCALE_DIR / language / 'LC_MESSAGES' / 'messages.po').exists():
            fail(_('The catalogue of {language} exists already; use `manage.py i18n update`.', language=language))
        _pybabel('init', '-i', str(POT), '-d', str(LOCALE_DIR), '-l', language, '--no-wrap')
        print(
            _(
                'Created the catalogue of {language}; translate it, then add it to LANGUAGES in app/i18n.',
                language=language,
            )
        )

    def refill(self, source: str, language: str = 'fr') -> None:
        """Fill the empty entries of `language`'s catalogue from another copy of it (e.g. a branch's, after a merge).

        A merge of two branches that both added strings is resolved by taking one side's catalogue, running
        extract and update, then `refill` from the other side's file: no translation is typed twice.
        """
        from babel.messages.pofile import read_po, write_po

        from app.i18n.catalogues import po_path

        with open(source, 'rb') as handle:
            donor = read_po(handle, locale=language)
        target = po_path(language)
        with target.open('rb') as handle:
            catalogue = read_po(handle, locale=language)
        filled = 0
        for message in catalogue:
            if not message.id or (message.string and not message.fuzzy):
                continue
            found = donor.get(message.id)
            if found is not None and found.string and not found.fuzzy:
                message.string = found.string
                message.flags.discard('fuzzy')
                filled += 1
        with target.open('wb') as handle:
            write_po(handle, catalogue, width=0, sort_output=True, include_previous=False)
        print(ngettext('Filled {n} entry.', 'Filled {n} entries.', filled))

    def check(self) -> None:
        """Every marked string is translated, not fuzzy, with the same placeholders, in every language."""
        msgids = source_msgids()
        found = [line for language in LANGUAGES if language != 'en' for line in problems(language, msgids)]
        if found:
            print('\n'.join(found))
            fail(ngettext('{n} catalogue problem; see above.', '{n} catalogue problems; see above.', len(found)))
        print(
            ngettext(
                '{n} string, translated in every language.', '{n} strings, translated in every language.', len(msgids)
            )
        )
