"""Links between users: invitations, admin links, whose data a user sees, and unlinking that loses nothing."""

from __future__ import annotations

import pytest

from app.models import Category, Expense, PaymentMethod, UserLink
from app.services import access, link_copies, links, users
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import make_user
from tests.sharing_data import household, spend, totals

pytestmark = pytest.mark.usefixtures('database')


def test_invite_then_accept_shares_both_ways() -> None:
    alice, bob = make_user('alice'), make_user('bob')
    view = links.invite(alice, 'BOB')
    assert view.status == 'pending' and view.username == 'bob' and view.invited_by_me
    assert access.visible_owner_ids(alice) == [alice.id]  # nothing shared before bob says yes
    assert access.visible_owner_ids(bob) == [bob.id]

    state = links.sharing(bob)
    assert [v.username for v in state.incoming] == ['alice'] and not state.outgoing and not state.linked
    assert [v.username for v in links.sharing(alice).outgoing] == ['bob']

    links.accept(bob, 'alice')
    assert access.visible_owner_ids(alice) == [alice.id, bob.id]
    assert access.visible_owner_ids(bob) == [bob.id, alice.id]
    assert [v.username for v in links.linked_users(alice)] == ['bob']
    assert links.sharing(alice).outgoing == () and links.sharing(bob).incoming == ()


def test_decline_and_cancel_leave_nothing() -> None:
    alice, bob = make_user('alice'), make_user('bob')
    links.invite(alice, 'bob')
    links.decline(bob, 'alice')
    assert UserLink.select().count() == 0
    links.invite(alice, 'bob')
    links.cancel(alice, 'bob')
    assert UserLink.select().count() == 0
    assert access.visible_owner_ids(bob) == [bob.id]


def test_only_the_invited_user_answers() -> None:
    alice, bob = make_user('alice'), make_user('bob')
    carol = make_user('carol')
    links.invite(alice, 'bob')
    with pytest.raises(NotFound):
        links.accept(alice, 'bob')  # alice cannot accept her own invitation
    with pytest.raises(NotFound):
        links.decline(alice, 'bob')
    with pytest.raises(NotFound):
        links.cancel(bob, 'alice')  # bob did not send it
    with pytest.raises(NotFound):
        links.accept(carol, 'alice')  # nobody invited carol
    assert UserLink.get().status == 'pending'


def test_invitation_refusals() -> None:
    alice, bob = make_user('alice'), make_user('bob')
    with pytest.raises(Invalid):
        links.invite(alice, '')
    with pytest.raises(Invalid):
        links.invite(alice, 'Alice')
    with pytest.raises(NotFound, match='No user named'):
        links.invite(alice, 'nobody')
    links.invite(alice, 'bob')
    with pytest.raises(Conflict, match='already invited'):
        links.invite(alice, 'bob')
    links.accept(bob, 'alice')
    with pytest.raises(Conflict, match='already share'):
        links.invite(bob, 'alice')
    with pytest.raises(NotFound):
        links.accept(bob, 'alice')  # nothing pending any more


def test_inviting_back_accepts() -> None:
    alice, bob = make_user('alice'), make_user('bob')
    links.invite(alice, 'bob')
    view = links.invite(bob, 'alice')
    assert view.status == 'active'
    assert access.visible_owner_ids(alice) == [alice.id, bob.id]


def test_links_are_not_transitive() -> None:
    alice, bob, carol = make_user('alice'), make_user('bob'), make_user('carol')
    links.link_users(None, 'alice', 'bob')
    links.link_users(None, 'bob', 'carol')
    assert access.visible_owner_ids(bob) == [bob.id, alice.id, carol.id]
    assert carol.id not in access.visible_owner_ids(alice)
    assert alice.id not in access.visible_owner_ids(carol)


def test_admin_links_at_once_and_others_only_invite_for_themselves() -> None:
    admin = make_user('root', admin=True)
    alice, bob, carol = make_user('alice'), make_user('bob'), make_user('carol')
    result = links.link_users(admin, 'alice', 'bob')
    assert result.status == 'active' and result.changed
    assert not links.link_users(admin, 'bob', 'alice').changed

    with pytest.raises(Forbidden):
        links.link_users(carol, 'alice', 'bob')
    with pytest.raises(Forbidden):
        links.unlink_users(carol, 'alice', 'bob')
    with pytest.raises(Invalid):
        links.link_users(carol, 'carol', 'CAROL')
    pending = links.link_users(carol, 'alice', 'carol')
    assert pending.status == 'pending' and 'Invitation sent to alice' in pending.message()
    assert carol.id not in access.visible_owner_ids(alice)
    links.accept(alice, 'carol')
    assert carol.id in access.visible_owner_ids(alice)
    with pytest.raises(NotFound):
        links.link_users(admin, 'alice', 'ghost')
    with pytest.raises(Invalid):
        links.link_users(admin, 'alice', 'ALICE')
    assert bob.id in access.visible_owner_ids(alice)


def test_admin_link_turns_a_pending_invitation_into_a_link() -> None:
    make_user('alice'), make_user('bob')
    alice = users.get_user_by_username('alice')
    links.invite(alice, 'bob')
    links.link_users(None, 'alice', 'bob')
    assert UserLink.get().status == 'active'


def test_deleted_users_are_not_visible_even_with_a_link_row() -> None:
    alice, bob = make_user('alice'), make_user('bob')
    links.link_users(None, 'alice', 'bob')
    users.mark_deleted(bob)  # a link row left behind by an older version must not share anything
    assert access.visible_owner_ids(alice) == [alice.id]
    assert links.linked_users(alice) == []


def test_unlink_keeps_every_expense_and_total() -> None:
    alice, bob = make_user('alice'), make_user('bob')
    a, b = household(alice), household(bob)
    links.link_users(None, 'alice', 'bob')
    # Alice records expenses in Bob's categories and with Bob's card, and the other way round.
    spend(alice, 1250, b['food'], subcategory=b['groceries'], method=b['card'])
    spend(alice, 990, b['food'], subcategory=b['groceries'], method=a['card'])
    spend(alice, 500, a['food'], method=b['card'])
    spend(alice, 700, a['food'], subcategory=a['groceries'], method=a['card'])
    spend(bob, 3333, a['food'], subcategory=a['groceries'])
    spend(bob, 4000, b['food'], method=b['card'])
    # A subcategory Bob created under Alice's category.
    bobs_child = Category.create(owner=bob, name='Bakery', parent=a['food'])
    spend(bob, 210, a['food'], subcategory=bobs_child)
    before = {u.username: totals(u) for u in (alice, bob)}
    counts_before = Expense.select().count()

    report = links.unlink_users(None, 'alice', 'bob')

    assert {u.username: totals(u) for u in (alice, bob)} == before
    assert Expense.select().count() == counts_before
    assert report.was == 'active'
    assert report.expenses_repointed == 5  # alice: 3 of hers used bob's items; bob: 2 used alice's
    # alice got Food, Groceries and Card of bob; bob got Food and Groceries of alice (Bakery's parent counted once)
    assert report.categories_copied == 4 and report.payment_methods_copied == 1
    for user in (alice, bob):
        visible = access.visible_owner_ids(user)
        assert visible == [user.id]
        for e in Expense.select().where(Expense.owner == user.id):
            assert Category.get_by_id(e.category_id).owner_id == user.id
            if e.subcategory_id:
                sub = Category.get_by_id(e.subcategory_id)
                assert sub.owner_id == user.id
                assert Category.get_by_id(sub.parent_id).owner_id == user.id
            if e.payment_method_id:
                assert PaymentMethod.get_by_id(e.payment_method_id).owner_id == user.id
    assert Category.get_by_id(bobs_child.id).parent.owner_id == bob.id
    # The originals are untouched and still their owners'.
    assert Category.get_by_id(b['food'].id).owner_id == bob.id
    assert 'No expense was lost' in report.message()
    with pytest.raises(NotFound, match='not linked'):
        links.unlink_users(None, 'alice', 'bob')


def test_unlink_copies_once_per_item() -> None:
    alice, bob = make_user('alice'), make_user('bob')
    b = household(bob)
    links.link_users(None, 'alice', 'bob')
    for cents in (100, 200, 300):
        spend(alice, cents, b['food'], subcategory=b['groceries'], method=b['card'])
    report = links.unlink(alice, 'bob')
    assert report.expenses_repointed == 3
    assert report.categories_copied == 2 and report.payment_methods_copied == 1
    assert Category.select().where(Category.owner == alice.id).count() == 2


def test_a_failed_unlink_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    b = household(bob)
    links.link_users(None, 'alice', 'bob')
    spend(alice, 100, b['food'], method=b['card'])
    real = link_copies.Copies._payment_method

    def broken(self, original, owner_id):
        real(self, original, owner_id)
        raise RuntimeError('disk full')

    monkeypatch.setattr(link_copies.Copies, '_payment_method', broken)
    with pytest.raises(RuntimeError):
        links.unlink_users(None, 'alice', 'bob')
    assert UserLink.get().status == 'active'
    assert Category.select().where(Category.owner == alice.id).count() == 0
    assert PaymentMethod.select().where(PaymentMethod.owner == alice.id).count() == 0
    assert Expense.get().category_id == b['food'].id


def test_unlink_of_a_pending_invitation_withdraws_it() -> None:
    alice = make_user('alice')
    make_user('bob')
    links.invite(alice, 'bob')
    report = links.unlink_users(None, 'bob', 'alice')
    assert report.was == 'pending' and 'Withdrew' in report.message()
    with pytest.raises(NotFound):
        links.unlink(alice, 'bob')


def test_owner_labels_and_duplicate_labels() -> None:
    alice, bob, carol = make_user('alice'), make_user('bob'), make_user('carol')
    links.link_users(None, 'alice', 'bob')
    assert links.owner_labels(alice) == {alice.id: 'alice', bob.id: 'bob'}
    assert links.owner_labels(carol) == {carol.id: 'carol'}

    food_a = Category.create(owner=alice, name='Food')
    food_b = Category.create(owner=bob, name='food')
    rent = Category.create(owner=bob, name='Rent')
    cash_a = PaymentMethod.create(owner=alice, name='Cash')
    cash_a2 = PaymentMethod.create(owner=alice, name='Card')
    # a name both linked users have appears once, standing for the chooser's own; other names all appear
    assert links.label_duplicates([food_a, food_b, rent], alice.id) == {food_a.id: 'Food', rent.id: 'Rent'}
    assert links.label_duplicates([food_a, food_b, rent], bob.id) == {food_b.id: 'food', rent.id: 'Rent'}
    # the value the picker holds (an expense filed under bob's Food) stands for its name instead
    assert links.label_duplicates([food_a, food_b, rent], alice.id, keep=[food_b.id]) == {
        food_b.id: 'food',
        rent.id: 'Rent',
    }
    # Plain dicts work too; without a chooser the first of a name stands for it.
    dicts = [{'id': 1, 'name': 'Cash', 'owner_id': 7}, {'id': 2, 'name': ' cash ', 'owner_id': 8}]
    assert links.label_duplicates(dicts) == {1: 'Cash'}
    assert links.label_duplicates(dicts, 8) == {2: ' cash '}
    assert links.label_duplicates([cash_a, cash_a2], alice.id) == {cash_a.id: 'Cash', cash_a2.id: 'Card'}
    assert links.label_duplicates([]) == {}


def test_visible_users() -> None:
    admin = make_user('root', admin=True)
    alice, bob = make_user('alice'), make_user('bob')
    make_user('carol')
    links.link_users(None, 'alice', 'bob')
    assert [u.username for u in links.visible_users(admin)] == ['alice', 'bob', 'carol', 'root']
    assert [u.username for u in links.visible_users(alice)] == ['alice', 'bob']
    assert links.linked_usernames()[bob.id] == ['alice']


def test_a_second_row_for_the_same_pair_is_a_conflict_not_a_crash() -> None:
    """Two requests racing past the existence check: the unique pair index turns the loser into a 409."""
    alice, bob = make_user('alice'), make_user('bob')
    links._create_link(alice.id, bob.id, 'pending', alice.id)
    with pytest.raises(Conflict, match='just linked or invited'):
        links._create_link(alice.id, bob.id, 'active', None)
    assert UserLink.select().count() == 1


def test_unlink_with_nothing_to_copy_says_so() -> None:
    alice, bob = make_user('alice'), make_user('bob')
    a = household(alice)
    spend(alice, 100, a['food'])
    links.link_users(None, 'alice', 'bob')
    report = links.unlink(bob, 'alice')
    assert (report.expenses_repointed, report.categories_copied, report.payment_methods_copied) == (0, 0, 0)
    assert 'nothing needed copying' in report.message()
    assert access.visible_owner_ids(bob) == [bob.id]
