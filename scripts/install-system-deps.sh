#!/usr/bin/env bash
# System packages the tests use: openssl, GnuTLS certtool, NSS pk12util/certutil, Chromium.
# Idempotent: installs only what is missing (Debian/apt).
set -euo pipefail
need=()
command -v openssl >/dev/null || need+=(openssl)
command -v certtool >/dev/null || need+=(gnutls-bin)
command -v pk12util >/dev/null || need+=(libnss3-tools)
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || need+=(chromium)
# CJK fonts, so screenshots of Japanese and Chinese screens show text rather than boxes.
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
