"""Command line for What I Spend: `python manage.py --help`."""

import fire

from app.cli.database import DbCommands
from app.cli.update import update
from app.cli.user import UserCommands


class Manage:
    """Manage a What I Spend installation."""

    def __init__(self) -> None:
        self.user = UserCommands()
        self.db = DbCommands()
        self.update = update


def main() -> None:
    fire.Fire(Manage, name='manage.py')


if __name__ == '__main__':
    main()
