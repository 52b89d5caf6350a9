#!/bin/sh
# Installs Debian's Chromium for the browser tests (DESIGN §7) if it is not there yet.
# Idempotent: a present browser is only reported. CI calls it before `npm run test:e2e`.
set -eu

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  echo "chromium already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "install-browser: need root or sudo to run apt-get" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Another apt run (e.g. an image's first boot) holds the lock for a while: wait for it.
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q chromium

if [ ! -x "$CHROMIUM" ]; then
  echo "install-browser: $CHROMIUM still missing after apt-get install chromium" >&2
  exit 1
fi
echo "chromium installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
