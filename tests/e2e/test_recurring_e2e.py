"""Recurring expenses in a real browser: add a rule that started last month, see its occurrences in the
expenses table with the mark that links back to the rule, and the rule's next date; pause it."""

from datetime import date

from tests.e2e.conftest import run_wizard


def _last_month_day(today: date, day: int) -> date:
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return date(year, month, day)


def test_create_a_rule_and_see_its_occurrence(page, server) -> None:
    run_wizard(page, server)
    page.goto(server.url + '/expenses/recurring')
    page.get_by_text('No recurring expenses yet.').wait_for()
    start = _last_month_day(date.today(), 1)

    page.get_by_role('button', name='Add recurring expense').click()
    page.get_by_label('Amount', exact=True).fill('750')
    page.get_by_label('Category', exact=True).click()
    page.get_by_role('option', name='Food').click()
    page.get_by_label('Payment method').click()
    page.get_by_role('option', name='Card').click()
    page.get_by_label('Description (optional)').fill('Rent <b>flat</b>')
    page.get_by_label('First date').fill(start.isoformat())
    page.get_by_role('button', name='Save', exact=True).click()
    page.get_by_text('Recurring expense added.').wait_for()
    page.get_by_text('Rent <b>flat</b>').wait_for()  # as text
    page.get_by_text('every month').wait_for()

    # last month's and this month's occurrences are ordinary expenses, marked with a link to their rule
    page.goto(server.url + f'/expenses?month={start:%Y-%m}')
    page.get_by_role('cell', name='Rent <b>flat</b>').wait_for()
    mark = page.locator('a[data-recurring]').first
    mark.wait_for()
    mark.click()
    page.wait_for_url('**/expenses/recurring?rule=*')
    page.get_by_role('button', name='Pause').click()
    page.get_by_text('Paused.').wait_for()
    page.get_by_role('button', name='Resume').wait_for()
