"""Settings › Update in French: the steps, the log and the error the update wrote, in the reader's language."""

from __future__ import annotations

from nicegui.testing import User

from app.config import get_settings
from app.i18n import Message
from app.models import User as Account
from app.services.updates.status import Status, idle_record, read_status, step_label
from tests.conftest import api_login, make_user

NBSP = '\u00a0'


def failed_update() -> None:
    """A record as the runner writes it: a step begun, lines logged, a failure, and an older English-only line."""
    data = idle_record()
    data.update(state='running', to_version='3.1.0', from_version='3.0.0')
    status = Status(get_settings(), data)
    status.log('applying migration 7 (an older version wrote this)')
    status.begin('migrate')
    status.log(Message('code switched to {release} ({version})', release='tag v3.1.0', version='3.1.0'))
    failed = Message('{step} failed: {problem}', step=step_label('migrate'), problem='no such column: budget')
    status.fail(failed)
    status.log(failed, 'error')
    status.data['steps']['migrate'] = 'failed'
    status.data['failed_step'] = 'migrate'
    status.finish('failed')


def test_the_record_keeps_english_and_the_msgid() -> None:
    failed_update()
    shown = read_status()
    assert shown.error == 'Run database migrations failed: no such column: budget'  # logs, the API, old readers
    assert shown.log[0].said is None and shown.log[0].message.startswith('applying migration 7')
    assert shown.log[1].message == 'Run database migrations…'
    assert shown.log[1].said is not None and shown.log[1].said.message().render('fr') == ('Migrer la base de données…')
    assert [said.message().render('fr') for said in shown.error_said] == [
        f'Migrer la base de données{NBSP}: échec, no such column: budget'
    ]


async def test_a_french_administrator_reads_the_update_in_french(user: User) -> None:
    alice = make_user('alice', admin=True)
    Account.update(language='fr').where(Account.id == alice.id).execute()
    failed_update()
    await api_login(user)
    await user.open('/settings?tab=update')
    await user.should_see('Vérifications préalables')  # a step's label
    await user.should_see(f'Migrer la base de données{NBSP}— échec'.replace(NBSP, ' '))
    await user.should_see(f'Migrer la base de données{NBSP}: échec, no such column: budget')
    await user.should_see('code passé à tag v3.1.0 (3.1.0)')
    await user.should_see('applying migration 7 (an older version wrote this)')  # kept as written
    await user.should_not_see('Run database migrations')
