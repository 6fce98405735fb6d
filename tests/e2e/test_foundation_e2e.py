"""The first run in a real browser: wizard, dashboard, logout, login."""

from tests.e2e.conftest import run_wizard


def test_wizard_then_dashboard_then_login(page, server) -> None:
    run_wizard(page, server)
    page.get_by_text('Dashboard').first.wait_for()
    # the header names who is logged in where it has room for it (from 1536 px; below, its links need it)
    page.set_viewport_size({'width': 1536, 'height': 800})
    page.get_by_text('admin', exact=True).first.wait_for()
    page.set_viewport_size({'width': 1280, 'height': 800})

    page.get_by_role('button').filter(has_text='logout').click()
    page.wait_for_url('**/login')

    page.goto(server.url + '/expenses')
    page.wait_for_url('**/login?next=/expenses')
    page.get_by_label('Username').fill('admin')
    page.get_by_label('Password').fill('wrong password')
    page.get_by_role('button', name='Log in').click()
    page.get_by_text('Wrong username or password').wait_for()
    # the cursor waits in the password field, the username is kept: typing the right password is enough
    page.wait_for_function("document.activeElement && document.activeElement.name === 'password'")
    assert page.evaluate('document.activeElement.type') == 'password'
    assert page.get_by_label('Username').input_value() == 'admin'
    page.keyboard.type('long enough pw')
    page.keyboard.press('Enter')
    page.wait_for_url(server.url + '/expenses')

    page.goto(server.url + '/setup')
    page.wait_for_url(server.url + '/')  # /setup is gone for good; a logged-in user lands on the dashboard
