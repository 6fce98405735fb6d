"""Benchmark: CSV and XLSX export of 100,000 expenses, time and memory.

    /work/main/.venv/bin/python -m bench.exports [--expenses 100000]

Seeds a fresh SQLite database in a temporary folder (in a child process, with the generator of
bench.expenses_page), then exports everything with `exports.write_csv` and `exports.write_xlsx` in this
process, reporting wall time, file size and how much the process's peak memory (max RSS) grew.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--expenses', type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        code = (
            'from pathlib import Path; from bench.expenses_page import seed; '
            f'seed(Path({str(folder)!r}), 0, {args.expenses})'
        )
        subprocess.run([sys.executable, '-c', code], cwd=ROOT, check=True)

        from bench.expenses_page import USERNAME
        from tests.conftest import test_environment

        os.environ.update(test_environment(folder))
        from app.config import load, use_settings
        from app.db import close_database, open_database
        from app.migrations import run_migrations
        from app.services import exports, users

        use_settings(load())
        open_database(os.environ['DATABASE_URL'])
        run_migrations()
        user = users.find_user(USERNAME)
        print(f'{args.expenses} expenses seeded; process max RSS before exporting: {max_rss_mb():.0f} MB')
        for kind, write in (('csv', exports.write_csv), ('xlsx', exports.write_xlsx)):
            target = folder / f'all.{kind}'
            before = max_rss_mb()
            start = time.perf_counter()
            with open(target, 'wb') as handle:
                count = write(user, None, handle)
            elapsed = time.perf_counter() - start
            print(
                f'{kind}: {count} expenses in {elapsed:.1f} s, {os.path.getsize(target) / 1e6:.1f} MB file, '
                f'max RSS +{max_rss_mb() - before:.0f} MB (now {max_rss_mb():.0f} MB)'
            )
        close_database()
    return 0


if __name__ == '__main__':
    sys.exit(main())
