# Finds the Python interpreters to test with: every pyenv version, else pythonX.Y on PATH.
# shellcheck shell=bash
python_for() {  # python_for 3.11 -> path or empty
  local v="$1" p
  if command -v pyenv >/dev/null 2>&1; then
    for p in "$(pyenv root)"/versions/"$v".*/bin/python; do
      [ -x "$p" ] && { echo "$p"; return; }
    done
  fi
  p="$(command -v "python$v" 2>/dev/null || true)"
  [ -n "$p" ] && echo "$p"
}
ALL_PYTHONS="2.7 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13"
