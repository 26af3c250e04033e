#!/usr/bin/env bash
# Fresh-machine check (issue 8): in a brand-new venv in a temporary folder, run exactly the set-up
# commands of README.md -- the lines of its first ```bash block, read from the README itself, so the
# README cannot drift from what is checked -- and print PASS or FAIL for each.
#
#   tools/fresh_check.sh                                  # a git clone of this repository's HEAD
#   CK_FRESH_SOURCE=worktree tools/fresh_check.sh         # a copy of the working tree, uncommitted work too
#   CK_FRESH_PYTEST_ARGS="tests/test_dsl.py" tools/fresh_check.sh   # a quick stand-in for the full suite
#   CK_FRESH_KEEP=1 tools/fresh_check.sh                  # keep the temporary folder and its logs
#   CK_FRESH_TIMEOUT=1800                                 # seconds allowed per command (default 1800)
#
# The project lands in TMP/work/main with TMP/work/shared beside it (a link to ../shared: the asset
# library is read where it lies, never copied). The venv's bin comes first on PATH, because
# packaging/install.sh calls `python3 -m pip`. CK_STUDIO_SMOKE=1 and QT_QPA_PLATFORM=offscreen make
# `ck-studio` open, render the bundled gold pack and exit (studio/smoke.py); XDG_CONFIG_HOME and
# XDG_DATA_HOME point into TMP so the studio's settings start empty, as on a new machine.
# CK_FRESH_PYTEST_ARGS appends test paths to the README's `python3 -m pytest -q` and changes
# nothing else. Exit 0 when every command passed, 1 otherwise.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$repo/.." && pwd)/shared
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ck-fresh.XXXXXX")
main="$tmp/work/main"
cleanup() {
  if [ "${CK_FRESH_KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

mkdir -p "$tmp/work" "$tmp/home/config" "$tmp/home/data"
if [ "${CK_FRESH_SOURCE:-clone}" = worktree ]; then
  mkdir "$main"
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$repo" && tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$main"
  what="a copy of the working tree of $repo"
else
  git clone -q "$repo" "$main" || { echo "FAIL  git clone $repo"; exit 1; }
  what="a clone of $repo at $(git -C "$repo" rev-parse --short HEAD)"
fi
[ -d "$shared" ] && ln -s "$shared" "$tmp/work/shared"
python3 -m venv "$tmp/venv" || { echo "FAIL  python3 -m venv"; exit 1; }
echo "fresh check in $tmp: $what, venv $("$tmp/venv/bin/python" --version 2>&1)"

mapfile -t commands < <(awk '/^```bash[[:space:]]*$/ {inside = 1; next}
                             inside && /^```/ {exit}
                             inside && NF {print}' "$main/README.md")
if [ ${#commands[@]} -eq 0 ]; then
  echo "FAIL  README.md has no \`\`\`bash block of set-up commands"
  exit 1
fi

failed=0
for i in "${!commands[@]}"; do
  command=${commands[$i]}
  if [ -n "${CK_FRESH_PYTEST_ARGS:-}" ] && [[ $command == *"-m pytest -q"* ]]; then
    command=${command/-m pytest -q/-m pytest -q $CK_FRESH_PYTEST_ARGS}
  fi
  log="$tmp/command_$((i + 1)).log"
  start=$SECONDS
  (
    cd "$main" || exit 1
    unset PYTHONPATH VIRTUAL_ENV
    export PATH="$tmp/venv/bin:$PATH" CK_STUDIO_SMOKE=1 QT_QPA_PLATFORM=offscreen
    export XDG_CONFIG_HOME="$tmp/home/config" XDG_DATA_HOME="$tmp/home/data"
    timeout "${CK_FRESH_TIMEOUT:-1800}" bash -c "$command"
  ) >"$log" 2>&1
  status=$?
  if [ $status -eq 0 ]; then
    echo "PASS  $command  ($((SECONDS - start)) s)"
  else
    failed=1
    echo "FAIL  $command  (exit $status after $((SECONDS - start)) s; last lines of $log:)"
    tail -n 15 "$log" | sed 's/^/      /'
  fi
done
exit $failed
