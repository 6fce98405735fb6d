"""Import in a real browser, in French (issue 16): a French bank file with a refund, a salary, a type column
and subcategories, read in a French browser at 1280 and 390 px, light and dark, with axe, console, overflow
and wrong-language checks; the refund taken off its purchase, the salary and the transfer left out.
WIS_IMPORT_SHOTS=folder keeps the screenshots."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import run_wizard
from tests.e2e.language_checks import too_wide, wrong_language
from tests.e2e.page_checks import PageWatch, page_problems
from tests.e2e.test_import_e2e import shot

RELEVE = (
    'Date;Libellé;Montant;Catégorie;Sous-catégorie;Type\n'
    '14/01/2026;CB DECATHLON PARIS;-79,90;Loisirs;Sport;Dépense\n'
    '15/01/2026;VIREMENT SALAIRE;2 150,00;Salaire;;Revenu\n'
    '16/01/2026;CB BOULANGERIE DU COIN;-4,20;Alimentation;Pain;Dépense\n'
    '22/01/2026;REMB DECATHLON PARIS;29,90;Loisirs;Sport;Dépense\n'
    '23/01/2026;VIR LIVRET A;-300,00;Épargne;;Virement\n'
)
SCREENS = (((1280, 800), 'light'), ((390, 844), 'dark'), ((390, 844), 'light'), ((1280, 800), 'dark'))


def test_a_french_bank_file_with_a_refund_in_a_french_browser(browser, server, tmp_path: Path) -> None:
    english = browser.new_context(viewport={'width': 1280, 'height': 800})
    setup = english.new_page()
    setup.set_default_timeout(15_000)
    run_wizard(setup, server)
    context = browser.new_context(
        viewport={'width': 1280, 'height': 800}, locale='fr-FR', storage_state=english.storage_state()
    )
    english.close()
    page = context.new_page()
    page.set_default_timeout(20_000)
    watch = PageWatch(page)
    file = tmp_path / 'releve.csv'
    file.write_text(RELEVE, encoding='cp1252')
    page.goto(server.url + '/expenses/import')
    page.get_by_text('Imports passés').wait_for()
    page.locator('input[type=file]').set_input_files(str(file))
    page.get_by_text('Comment le fichier a été lu', exact=True).wait_for()
    page.get_by_text('Déduit de la ligne 2', exact=False).first.wait_for()
    page.get_by_text('Moyen de paiement Non précisé (2 lignes)').wait_for()  # named in the page's language
    for (width, height), theme in SCREENS:
        page.set_viewport_size({'width': width, 'height': height})
        page.emulate_media(color_scheme=theme)
        problems = page_problems(page) + watch.problems() + wrong_language(page, 'fr')
        if width < 500:
            problems += too_wide(page)
        assert not problems, f'{width} {theme}: ' + '\n'.join(problems)
        shot(page, f'import-fr-{"phone" if width < 500 else "desktop"}-{theme}')
    page.set_viewport_size({'width': 1280, 'height': 800})
    page.emulate_media(color_scheme='light')
    page.get_by_text('Ignorer les lignes dont le type indique un revenu').wait_for()
    page.get_by_role('button', name='Importer 2 dépenses').click()
    page.get_by_text('2 dépenses importées.').wait_for()
    shot(page, 'import-fr-done-desktop-light')
    assert not page_problems(page) + watch.problems()
    page.goto(server.url + '/expenses?month=2026-01')
    page.get_by_role('cell', name='CB DECATHLON PARIS').wait_for()
    assert page.get_by_text('50,00').count() >= 1  # 79,90 less the refund of 29,90
    context.close()
    assert not server.problems()
