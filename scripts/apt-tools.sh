#!/usr/bin/env bash
# Shared by install-system-deps.sh (the tests) and install-bench-deps.sh (the benchmark): check the
# tools the caller's `missing` function lists as "tool|package" lines, and install the missing
# packages with apt as root or with password-less sudo. Where it cannot, it names each missing tool
# and the command that installs it, and exits 2. Idempotent and quick when everything is there.
#
# The caller sets NEEDED_BY ("the tests", "the benchmark") and SELF (its own path for the message),
# defines missing(), and calls ensure_tools "$@" (`--check` only looks and reports).

packages() { cut -d'|' -f2 | sort -u | tr '\n' ' ' | sed 's/ $//'; }

report() {
  local list=$1 why=$2
  {
    echo "Tools for $NEEDED_BY are not all installed, and $why:"
    while IFS='|' read -r tool pkg; do printf '  - %-28s (Debian package %s)\n' "$tool" "$pkg"; done <<<"$list"
    echo "Install them with:"
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $(packages <<<"$list")"
    echo "(or, as root: bash $SELF), then run $NEEDED_BY again."
  } >&2
}

ensure_tools() {
  local need
  need=$(missing)
  [ -z "$need" ] && return 0
  if [ "${1:-}" = "--check" ]; then
    report "$need" "--check installs nothing"
    exit 2
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      report "$need" "this user can install nothing (not root, no password-less sudo)"
      exit 2
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    report "$need" "there is no apt-get here to install them"
    exit 2
  fi
  local pkgs pkg_array
  pkgs=$(packages <<<"$need")
  echo "installing system packages for $NEEDED_BY: $pkgs" >&2
  export DEBIAN_FRONTEND=noninteractive
  read -r -a pkg_array <<<"$pkgs"
  # Another apt run (e.g. an image's first boot) may hold the lock for a while: wait for it.
  if ! { "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${pkg_array[@]}" >/dev/null; }; then
    report "$(missing)" "apt-get failed to install them (see above)"
    exit 2
  fi
  local still
  still=$(missing)
  if [ -n "$still" ]; then
    report "$still" "they are still missing after apt-get install"
    exit 2
  fi
  echo "system packages installed: $pkgs" >&2
}
