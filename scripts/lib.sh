# shellcheck shell=bash
# Shared by the deployment scripts: backup-db, restore-db, test-backup-restore, deploy/xinfang-manage (sourced).
# The database and MEDIA_ROOT come from xinfang's own settings module, so the scripts back up exactly what the
# app uses; PostgreSQL connection details travel as PG* variables, never on a command line that `ps` shows.

xf_die() {
  echo "错误：$*" >&2
  exit 1
}

# Seconds since an earlier $EPOCHREALTIME, to a tenth.
xf_elapsed() {
  local now=$EPOCHREALTIME
  awk -v a="${1/,/.}" -v b="${now/,/.}" 'BEGIN { printf "%.1f", b - a }' # a locale may use a decimal comma
}

xf_human_size() {
  numfmt --to=iec --suffix=B "$(stat -c %s "$1")"
}

# KEY=VALUE lines as systemd's EnvironmentFile reads them: taken literally, nothing is expanded or executed.
xf_load_env_file() {
  local file=$1 line key value
  [ -r "$file" ] || xf_die "无法读取环境文件 $file"
  while IFS= read -r line || [ -n "$line" ]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    key=${line%%=*}
    value=${line#*=}
    key=${key//[[:space:]]/}
    [[ $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || xf_die "$file 中有无法识别的行：$line"
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
      value=${BASH_REMATCH[1]}
    fi
    export "$key=$value"
  done <"$file"
}

# The virtualenv's python: XF_PYTHON, else the checkout's .venv, else the one beside an installed `xinfang`.
xf_python() {
  local scripts_dir=$1 found
  if [ -n "${XF_PYTHON:-}" ]; then
    echo "$XF_PYTHON"
  elif [ -x "$scripts_dir/../.venv/bin/python" ]; then
    echo "$scripts_dir/../.venv/bin/python"
  elif found=$(command -v xinfang); then
    echo "$(dirname "$found")/python"
  else
    xf_die "找不到安装了 xinfang 的 Python；请设置 XF_PYTHON"
  fi
}

# Prints shell assignments (quoted) for the configured database and media directory, or, given a database
# URL, for that database: XF_DB_VENDOR=postgresql|sqlite, PG* or XF_SQLITE_FILE, XF_MEDIA_DIR, XF_DATA_DIR_RESOLVED.
xf_resolve() {
  "$XF_PY" - "$@" <<'PY'
import os
import shlex
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
import dj_database_url
from django.conf import settings

out = {"XF_MEDIA_DIR": settings.MEDIA_ROOT, "XF_DATA_DIR_RESOLVED": settings.DATA_DIR}
db = dj_database_url.parse(sys.argv[1]) if len(sys.argv) > 1 else settings.DATABASES["default"]
engine = db["ENGINE"]
if "postgresql" in engine:
    options = db.get("OPTIONS", {})
    out.update(
        XF_DB_VENDOR="postgresql",
        PGHOST=db.get("HOST"),
        PGPORT=db.get("PORT"),
        PGUSER=db.get("USER"),
        PGPASSWORD=db.get("PASSWORD"),
        PGDATABASE=db["NAME"],
        PGSSLMODE=options.get("sslmode"),
        PGCONNECT_TIMEOUT=options.get("connect_timeout"),
    )
elif "sqlite3" in engine:
    out.update(XF_DB_VENDOR="sqlite", XF_SQLITE_FILE=db["NAME"])
else:
    sys.exit(f"不支持的数据库：{engine}")
for key, value in out.items():
    if value not in (None, ""):
        print(f"export {key}={shlex.quote(str(value))}")
PY
}
