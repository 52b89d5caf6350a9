#!/usr/bin/env bash
# The peers and the load generator `npm run bench` runs beside the real server, checked and
# installed when missing (Debian/Ubuntu, apt):
#   wrk (keep-alive HTTP load), ab (apache2-utils: one request per connection), cfssl (golang-cfssl:
#   the CFSSL signing server Inkan's enrollment is compared with), taskset (util-linux), openssl.
# Idempotent and quick when everything is there: it only looks. It installs what is missing as root
# or with password-less sudo; where it cannot it names each missing tool and the command that
# installs it, and exits 2. `--check` only looks and reports.
set -euo pipefail

check_only=false
[ "${1:-}" = "--check" ] && check_only=true

# "tool|package" for each missing tool.
missing() {
  command -v openssl >/dev/null 2>&1 || echo "openssl|openssl"
  command -v wrk >/dev/null 2>&1 || echo "wrk|wrk"
  command -v ab >/dev/null 2>&1 || echo "ab (ApacheBench)|apache2-utils"
  command -v cfssl >/dev/null 2>&1 || echo "cfssl|golang-cfssl"
  command -v taskset >/dev/null 2>&1 || echo "taskset|util-linux"
}

packages() { cut -d'|' -f2 | sort -u | tr '\n' ' ' | sed 's/ $//'; }

report() {
  local list=$1 why=$2
  {
    echo "The benchmark needs tools that are not installed, and $why:"
    while IFS='|' read -r tool pkg; do printf '  - %-20s (Debian package %s)\n' "$tool" "$pkg"; done <<<"$list"
    echo "Install them with:"
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $(packages <<<"$list")"
    echo "(or, as root: bash scripts/install-bench-deps.sh), then run the benchmark again."
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
echo "installing system packages for the benchmark: $pkgs" >&2
export DEBIAN_FRONTEND=noninteractive
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
echo "system packages installed: $pkgs" >&2
