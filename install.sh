#!/usr/bin/env bash
# What I Spend: set up and serve (./install.sh), or set up and test (./install.sh test).
# Safe to run again: it keeps an existing config.env and data, and reinstalls only what changed.
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

usage() {
  cat <<'EOF'
Usage: ./install.sh [serve|test|setup|--service [--user NAME] [--name NAME]|--help]

  ./install.sh          set everything up, then serve the app on http://localhost:PORT
                        (the setup wizard opens on first run)
  ./install.sh test     set everything up plus the test tools (and Chromium when it can), then
                        type-check app/ with mypy and, when that is clean, run the whole test suite
                        (the in-process tests, then the browser tests); the exit status is mypy's
                        when it fails, else the suite's; extra arguments go to pytest (one run);
                        WIS_TEST_ON_POSTGRES=1 runs the in-process tests, then the browser tests,
                        once more on PostgreSQL (WIS_TEST_POSTGRES's server, or a throw-away cluster:
                        scripts/pg-test-cluster)
  ./install.sh setup    set everything up and stop (for service managers)
  ./install.sh --service
                        (as root) set everything up as the folder's owner (or --user NAME), then
                        write the systemd unit /etc/systemd/system/whatispend.service (--name NAME
                        for another), enable and start it: restarted on failure and after an
                        in-app update, logs in the journal (journalctl -u whatispend) and in
                        data/logs/whatispend.log; see docs/deploy/README.md
  ./install.sh --help   this text

What "set up" does, each step only when needed:
  1. checks for Python 3.11 or newer (PYTHON=/path/to/python3 to choose one)
  2. creates .venv and installs requirements.txt into it
  3. writes config.env (mode 600) with fresh random keys, unless it already exists; an existing one
     gains the secrets it lacks (STORAGE_SECRET for a v2.4 config.env), its other lines untouched
  4. compiles the translation catalogues (app/locale/*/LC_MESSAGES/messages.mo)
  5. creates data/ (mode 700) and brings the database schema up to date
No sudo is needed. Settings live in config.env; see README.md.
EOF
}

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# Install a requirements file only when it changed since the last successful install.
pip_install() {
  local file=$1 stamp="$VENV/.installed-$(basename "$1")"
  local sum
  sum=$(cat "$file" requirements.txt | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  say "Installing $file"
  "$PY" -m pip install --disable-pip-version-check -q -r "$file" || die "installing $file failed; see the messages above"
  echo "$sum" >"$stamp"
}

make_venv() {
  if [ ! -x "$PY" ]; then
    local python
    python=$(find_python) || die "Python 3.11 or newer is required (on Debian/Ubuntu: apt install python3 python3-venv)"
    say "Creating .venv with $python"
    "$python" -m venv "$VENV" || die "could not create .venv (on Debian/Ubuntu: apt install python3-venv)"
  fi
  pip_install requirements.txt
}

write_config() {
  if [ -f config.env ]; then
    say "Keeping the existing config.env"
    # a config.env of an older version (v2.4 has no STORAGE_SECRET) gains the secrets it lacks, once
    "$PY" -c 'from app.config import complete_config; complete_config()' ||
      die "could not add the missing secrets to config.env; see the message above"
    return 0
  fi
  say "Writing config.env with new random keys"
  local old_umask
  old_umask=$(umask)
  umask 077
  "$PY" - <<'PYEOF' >config.env.tmp
import secrets
print(f"""# What I Spend configuration. Environment variables of the same names override these values.
# API keys (keep them secret)
API_KEY={secrets.token_hex(16)}
API_KEY_SALT={secrets.token_hex(16)}
STORAGE_SECRET={secrets.token_hex(32)}

# Server
HOST=0.0.0.0
PORT=3000

# Sessions (hours)
SESSION_DURATION=24

# Rate limiting (requests per second per client)
RATE_LIMIT=50

# GeoIP filtering (optional)
GEOIP_ENABLED=false
GEOIP_LICENSE_KEY=

# Database
DATABASE_URL=sqlite:///data/whatispend.db""")
PYEOF
  mv config.env.tmp config.env
  chmod 600 config.env
  umask "$old_umask"
}

setup_all() {
  make_venv
  write_config
  (umask 077 && mkdir -p data)
  chmod 700 data
  setup_ocr
  say "Compiling the translations"
  "$PY" manage.py i18n compile || die "the translation catalogues could not be compiled; see the message above"
  say "Bringing the database up to date"
  "$PY" manage.py db migrate || die "the database migration failed; see the message above"
}

ocr_ready() {
  command -v tesseract >/dev/null 2>&1 &&
    tesseract --list-langs 2>/dev/null | grep -qx eng && tesseract --list-langs 2>/dev/null | grep -qx fra
}

setup_ocr() {
  # Reading receipt photos offline (optional: without it the app hides the feature)
  ocr_ready && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing Tesseract to read receipt photos offline"
    (apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra) >/dev/null ||
      say "Could not install Tesseract; receipts can be attached but not read"
  else
    say "Tesseract is missing; install the Debian packages tesseract-ocr, tesseract-ocr-eng and tesseract-ocr-fra to read receipt photos"
  fi
}

browser_ready() {
  command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1
}

setup_browser() {
  browser_ready && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing Chromium for the end-to-end tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >/dev/null ||
      say "Could not install chromium; end-to-end tests will be skipped (CI=true makes them fail)"
  else
    say "Chromium is missing; install the Debian packages chromium and chromium-driver to run the end-to-end tests"
  fi
}

# --- ./install.sh --service: a systemd unit -------------------------------------------------------
# WIS_SYSTEMD_DIR and WIS_SYSTEMCTL exist for the tests (a folder, and a stand-in for systemctl).

service_unit() {
  # $1 user, $2 group, $3 unit name
  cat <<EOF
# What I Spend, written by ./install.sh --service (run it again to rewrite this file).
[Unit]
Description=What I Spend (self-hosted expense tracker)
Documentation=file://$ROOT/docs/deploy/README.md
After=network-online.target postgresql.service redis-server.service
Wants=network-online.target

[Service]
Type=simple
User=$1
Group=$2
WorkingDirectory=$ROOT
ExecStart=$VENV/bin/python $ROOT/main.py
# The console lines go to the journal; data/logs/whatispend.log keeps its own copy.
Environment=PYTHONUNBUFFERED=1
Environment=WIS_LOG_CONSOLE=true
# An update (Settings > Update, manage.py update) ends the server with status 3 for systemd to start
# the new version: a clean exit that is restarted whatever the Restart= policy.
Environment=UPDATE_RESTART=exit
SuccessExitStatus=3
RestartForceExitStatus=3
Restart=on-failure
RestartSec=2
TimeoutStopSec=30
SyslogIdentifier=$3
UMask=0077
NoNewPrivileges=true
PrivateTmp=true
ProtectSystem=full
ReadWritePaths=$ROOT

[Install]
WantedBy=multi-user.target
EOF
}

install_service() {
  local name=whatispend user="" group unit
  local unit_dir="${WIS_SYSTEMD_DIR:-/etc/systemd/system}" systemctl="${WIS_SYSTEMCTL:-systemctl}"
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --user) [ "$#" -ge 2 ] || die "--user needs a name"; user=$2; shift 2 ;;
      --name) [ "$#" -ge 2 ] || die "--name needs a name"; name=$2; shift 2 ;;
      *) usage >&2; exit 2 ;;
    esac
  done
  [[ "$name" =~ ^[A-Za-z0-9_.@-]+$ ]] || die "--name: letters, digits and _ . @ - only"
  [ -n "$user" ] || user=$(stat -c %U "$ROOT")
  id "$user" >/dev/null 2>&1 || die "no user named $user (create one: useradd --system --home-dir $ROOT $user)"
  group=$(id -gn "$user")
  { [ -d "$unit_dir" ] && [ -w "$unit_dir" ]; } || die "cannot write to $unit_dir: run it as root (sudo ./install.sh --service)"
  [ "$user" != root ] || say "The service will run as root; a user of its own is safer (--user NAME, owning $ROOT)"
  if [ "$(id -u)" = 0 ] && [ "$user" != root ]; then
    [ "$(stat -c %U "$ROOT")" = "$user" ] || die "$user must own $ROOT (updates write there): chown -R $user: $ROOT"
    say "Setting up as $user"
    runuser -u "$user" -- "$ROOT/install.sh" setup || die "the setup as $user failed; see the messages above"
  else
    setup_all
  fi
  unit="$unit_dir/$name.service"
  say "Writing $unit"
  service_unit "$user" "$group" "$name" >"$unit.tmp"
  chmod 644 "$unit.tmp"
  mv "$unit.tmp" "$unit"
  if [ -n "${WIS_SYSTEMCTL:-}" ] || [ -d /run/systemd/system ]; then
    "$systemctl" daemon-reload || die "systemctl daemon-reload failed"
    "$systemctl" enable "$name.service" || die "systemctl enable $name failed"
    "$systemctl" restart "$name.service" || die "$name did not start; see journalctl -u $name"
    say "$name is running: systemctl status $name; logs: journalctl -u $name -f, or data/logs/whatispend.log"
  else
    say "systemd is not running here; the unit is written: systemctl enable --now $name once it is"
  fi
}

postgres_ready() {
  command -v pg_config >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

setup_postgres() {
  postgres_ready && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing PostgreSQL for the PostgreSQL run of the tests"
    # the package's own cluster is not needed (scripts/pg-test-cluster makes a throw-away one)
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null ||
      say "Could not install postgresql; the PostgreSQL run will fail"
  else
    say "PostgreSQL is missing; install the Debian package postgresql for the PostgreSQL run of the tests"
  fi
}

# The in-process suite once more, on PostgreSQL: the server WIS_TEST_POSTGRES names, or a throw-away cluster
# (scripts/pg-test-cluster) started for the run and removed after it.
pytest_on_postgres() {
  local folder url result
  if [ -n "${WIS_TEST_POSTGRES:-}" ]; then
    "$PY" -m pytest "$@"
    return $?
  fi
  folder=$(mktemp -d /tmp/wis-pg.XXXXXX)
  url=$(scripts/pg-test-cluster start "$folder") || {
    printf 'install.sh: the PostgreSQL test cluster did not start\n' >&2
    scripts/pg-test-cluster stop "$folder"
    return 1
  }
  WIS_TEST_POSTGRES=$url "$PY" -m pytest "$@"
  result=$?
  scripts/pg-test-cluster stop "$folder"
  return $result
}

case "${1:-serve}" in
  -h | --help | help)
    usage
    ;;
  setup)
    setup_all
    ;;
  --service | service)
    shift
    install_service "$@"
    ;;
  test)
    shift
    setup_all
    pip_install requirements-dev.txt
    setup_browser
    [ "${WIS_TEST_ON_POSTGRES:-}" != 1 ] || setup_postgres
    # the type check first: it takes seconds, the suite minutes; a type error stops here with mypy's status
    say "Type-checking with mypy (settings in pyproject.toml)"
    set +e
    "$PY" -m mypy
    status=$?
    set -e
    [ "$status" = 0 ] || { printf 'install.sh: mypy found errors; the test suite was not run\n' >&2; exit "$status"; }
    set +e
    if [ "$#" -gt 0 ]; then
      say "Running the tests: $*"
      "$PY" -m pytest "$@"
      status=$?
    else
      # Two runs: the in-process tests (NiceGUI's simulated user, the API, the services), then the
      # browser tests (a real server and Chromium through Playwright). Mixed in one worker, a late user
      # test once failed at start-up with a RecursionError; apart, each kind has its workers to itself.
      # WIS_TEST_ON_POSTGRES=1 adds the in-process tests once more on PostgreSQL (CONTRIBUTING.md).
      say "Running the test suite (1/2: everything but the browser tests)"
      env -u WIS_TEST_POSTGRES "$PY" -m pytest --ignore=tests/e2e
      status=$?
      if [ "${WIS_TEST_ON_POSTGRES:-}" = 1 ]; then
        say "Running the test suite (1b: everything but the browser tests, on PostgreSQL)"
        pytest_on_postgres --ignore=tests/e2e
        on_postgres=$?
        [ "$status" != 0 ] || status=$on_postgres
      fi
      say "Running the test suite (2/2: the browser tests in headless Chromium)"
      env -u WIS_TEST_POSTGRES "$PY" -m pytest tests/e2e
      e2e=$?
      [ "$status" != 0 ] || status=$e2e
      if [ "${WIS_TEST_ON_POSTGRES:-}" = 1 ]; then
        # each real server gets a database of its own on the cluster (tests/pg_databases.py)
        say "Running the test suite (2b: the browser tests on PostgreSQL)"
        pytest_on_postgres tests/e2e
        e2e_on_postgres=$?
        [ "$status" != 0 ] || status=$e2e_on_postgres
      fi
    fi
    set -e
    exit "$status"
    ;;
  serve | "")
    setup_all
    port=$("$PY" -c 'from app.config import load; print(load().port)')
    say "Serving What I Spend on http://localhost:$port (Ctrl+C stops it)"
    exec "$PY" main.py
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
