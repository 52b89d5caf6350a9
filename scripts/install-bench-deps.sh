#!/usr/bin/env bash
# The peers and the load generator `npm run bench` runs beside the real server, checked and
# installed when missing (Debian/Ubuntu, apt):
#   wrk (keep-alive HTTP load), ab (apache2-utils: one request per connection), cfssl (golang-cfssl:
#   the CFSSL signing server Inkan's enrollment is compared with), taskset (util-linux), openssl.
# Idempotent and quick when everything is there: it only looks. It installs what is missing as root
# or with password-less sudo; where it cannot it names each missing tool and the command that
# installs it, and exits 2. `--check` only looks and reports.
set -euo pipefail

NEEDED_BY="the benchmark"
SELF="scripts/install-bench-deps.sh"

# "tool|package" for each missing tool.
missing() {
  command -v openssl >/dev/null 2>&1 || echo "openssl|openssl"
  command -v wrk >/dev/null 2>&1 || echo "wrk|wrk"
  command -v ab >/dev/null 2>&1 || echo "ab (ApacheBench)|apache2-utils"
  command -v cfssl >/dev/null 2>&1 || echo "cfssl|golang-cfssl"
  command -v taskset >/dev/null 2>&1 || echo "taskset|util-linux"
}

# shellcheck source=scripts/apt-tools.sh
here=${BASH_SOURCE[0]%/*}
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
source "$here/apt-tools.sh"
ensure_tools "$@"
