#!/usr/bin/env bash
# The system tools the tests use, checked and installed when missing (Debian/Ubuntu, apt):
#   openssl, GnuTLS certtool (gnutls-bin), NSS pk12util/certutil (libnss3-tools), Chromium,
#   pdftotext (poppler-utils), CJK fonts (fonts-noto-cjk, so screenshots of Japanese and Chinese
#   screens show text rather than boxes).
# `npm test` runs it first (scripts/test.js). Idempotent and quick when everything is there:
# it only looks. It installs what is missing as root or with password-less sudo; where it cannot
# (no root, no sudo, no apt) it names each missing tool and the command that installs it, and
# exits 2. `--check` only looks and reports.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
check_only=false
[ "${1:-}" = "--check" ] && check_only=true

# "tool|package" for each missing tool.
missing() {
  command -v openssl >/dev/null 2>&1 || echo "openssl|openssl"
  command -v certtool >/dev/null 2>&1 || echo "certtool (GnuTLS)|gnutls-bin"
  command -v pk12util >/dev/null 2>&1 || echo "pk12util (NSS)|libnss3-tools"
  command -v certutil >/dev/null 2>&1 || echo "certutil (NSS)|libnss3-tools"
  [ -x "$CHROMIUM" ] || echo "chromium ($CHROMIUM)|chromium"
  command -v pdftotext >/dev/null 2>&1 || echo "pdftotext (poppler)|poppler-utils"
  if ! command -v fc-list >/dev/null 2>&1; then
    echo "fc-list (fontconfig)|fontconfig"
    echo "CJK fonts (Noto Sans CJK)|fonts-noto-cjk"
  elif ! fc-list : family 2>/dev/null | grep -i "noto sans cjk" >/dev/null; then
    echo "CJK fonts (Noto Sans CJK)|fonts-noto-cjk"
  fi
}

packages() { cut -d'|' -f2 | sort -u | tr '\n' ' ' | sed 's/ $//'; }

report() {
  local list=$1 why=$2
  {
    echo "The tests need system tools that are not installed, and $why:"
    while IFS='|' read -r tool pkg; do printf '  - %-28s (Debian package %s)\n' "$tool" "$pkg"; done <<<"$list"
    echo "Install them with:"
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $(packages <<<"$list")"
    echo "(or, as root: bash scripts/install-system-deps.sh), then run the tests again."
  } >&2
}

need=$(missing)
[ -z "$need" ] && exit 0

if $check_only; then
  report "$need" "--check installs nothing"
  exit 2
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  report "$need" "this user can install nothing (not root, no password-less sudo)"
  exit 2
fi
if ! command -v apt-get >/dev/null 2>&1; then
  report "$need" "there is no apt-get here to install them"
  exit 2
fi

pkgs=$(packages <<<"$need")
echo "installing system packages for the tests: $pkgs"
export DEBIAN_FRONTEND=noninteractive
# Another apt run (e.g. an image's first boot) may hold the lock for a while: wait for it.
read -r -a pkg_array <<<"$pkgs"
if ! { "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq &&
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${pkg_array[@]}" >/dev/null; }; then
  report "$(missing)" "apt-get failed to install them (see above)"
  exit 2
fi

still=$(missing)
if [ -n "$still" ]; then
  report "$still" "they are still missing after apt-get install"
  exit 2
fi
echo "system packages installed: $pkgs"
