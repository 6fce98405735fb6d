from argon2 import PasswordHasher

from app.config import load
from app.services import passwords


def test_production_defaults_are_argon2id_m65536_t3_p4(tmp_path) -> None:
    settings = load(
        tmp_path / 'none.env', environ={'API_KEY': 'a' * 32, 'API_KEY_SALT': 'b' * 32, 'STORAGE_SECRET': 'c' * 32}
    )
    hasher = PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost,
        parallelism=settings.argon2_parallelism,
    )
    assert hasher.hash('x').startswith('$argon2id$v=19$m=65536,t=3,p=4$')


def test_hash_verify_and_rehash(database) -> None:
    digest = passwords.hash_password('secret password')
    assert digest.startswith('$argon2id$')
    assert passwords.verify_password(digest, 'secret password')
    assert not passwords.verify_password(digest, 'wrong')
    assert not passwords.verify_password('', 'anything')
    assert not passwords.verify_password('not a hash', 'anything')
    old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash('secret password')
    assert passwords.needs_rehash(old)


def test_login_rehashes_old_parameters(database) -> None:
    from app.models import User
    from app.services import users

    old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash('secret password')
    user = users.create_user('bob', '', password_hash=old)
    assert users.authenticate('BOB', 'secret password').id == user.id
    assert User.get_by_id(user.id).password_hash != old
    assert users.authenticate('bob', 'secret password') is not None
