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

NEEDED_BY="the tests"
SELF="scripts/install-system-deps.sh"

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

# shellcheck source=scripts/apt-tools.sh
here=${BASH_SOURCE[0]%/*}
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
source "$here/apt-tools.sh"
ensure_tools "$@"
