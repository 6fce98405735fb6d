"""Import in a real browser (issue 16): choose a bank CSV, read the preview and the report, skip the invalid
row, confirm, see the expenses, undo from the history; axe, overflow and console checks at 1280 and 390 px,
light and dark; a hostile cell of the file shown as text. WIS_IMPORT_SHOTS=folder keeps the screenshots
(the README's mapping preview and report come from here)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.conftest import run_wizard
from tests.e2e.language_checks import too_wide
from tests.e2e.page_checks import PageWatch, page_problems

SHOTS = os.environ.get('WIS_IMPORT_SHOTS', '')
BANK = (
    'Date;Libellé;Montant;Catégorie;Moyen de paiement\n'
    '02/01/2026;BOULANGERIE DU COIN;-4,20;Alimentation;Carte\n'
    '02/01/2026;BOULANGERIE DU COIN;-4,20;Alimentation;Carte\n'
    '05/01/2026;SNCF BILLET PARIS;-89,00;Transport;Carte\n'
    '13/01/2026;<img src=x onerror=alert(1)>;-12,00;Loisirs;Espèces\n'
    '15/01/2026;VIREMENT SALAIRE;2 150,00;Salaire;Virement\n'
    '20/01/2026;PHARMACIE;abc;Santé;Carte\n'
)


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f'{name}.png'), full_page=True)


def checked(page, watch: PageWatch, name: str) -> None:
    problems = page_problems(page) + watch.problems()
    if page.viewport_size and page.viewport_size['width'] < 500:
        problems += too_wide(page)
    assert not problems, f'{name}: ' + '\n'.join(problems)
    shot(page, name)


def test_import_a_bank_file_then_undo_it(page, server, tmp_path: Path) -> None:
    run_wizard(page, server)
    watch = PageWatch(page)
    file = tmp_path / 'releve.csv'
    file.write_text(BANK, encoding='cp1252')
    page.goto(server.url + '/expenses/import')
    page.get_by_text('Past imports').wait_for()
    page.locator('input[type=file]').set_input_files(str(file))
    page.get_by_text('How the file was read', exact=True).wait_for()
    page.get_by_text('Invalid rows', exact=True).wait_for()
    assert page.locator('img[src=x]').count() == 0  # the hostile cell is text
    page.get_by_text('<img src=x onerror=alert(1)>').first.wait_for()
    for width, theme in (('desktop', 'light'), ('phone', 'dark')):
        page.set_viewport_size({'width': 1280, 'height': 800} if width == 'desktop' else {'width': 390, 'height': 844})
        page.emulate_media(color_scheme=theme)
        checked(page, watch, f'import-report-{width}-{theme}')
    page.set_viewport_size({'width': 1280, 'height': 800})
    page.emulate_media(color_scheme='light')
    if SHOTS:  # the README's two pictures: the mapping preview and the report
        page.locator('.q-card').nth(0).screenshot(path=str(Path(SHOTS) / 'import-mapping.png'))
        page.locator('.q-card').nth(1).screenshot(path=str(Path(SHOTS) / 'import-report.png'))
    confirm = page.get_by_role('button', name='Import 4 expenses')
    assert confirm.is_disabled()
    page.get_by_text('Skip the invalid rows and import the others').click()
    page.get_by_role('button', name='Import 4 expenses').and_(page.locator(':enabled')).wait_for()
    page.get_by_role('button', name='Import 4 expenses').click()
    page.get_by_text('Imported 4 expenses.').wait_for()
    checked(page, watch, 'import-done-desktop-light')
    page.get_by_role('button', name='See the expenses').click()
    page.wait_for_url(server.url + '/expenses')
    page.goto(server.url + '/expenses?month=2026-01')
    page.get_by_role('cell', name='SNCF BILLET PARIS').wait_for()
    page.goto(server.url + '/expenses/import')
    page.get_by_role('button', name='Undo').click()
    page.get_by_text('Undo this import?').wait_for()
    page.get_by_role('button', name='Undo the import').click()
    page.get_by_text('Import undone: 4 expenses deleted.').wait_for()
    assert not server.problems()
