#!/usr/bin/env bash
# Installs what the check programs of infra/checks need, into a cache directory and never into the
# repository, and prints where it is. Progress and errors go to stderr, the answer to stdout.
#
# Usage: infra/checks/tools.sh node-modules   the node_modules directory of infra/checks's packages:
#                                              `npm ci` (package.json + package-lock.json) into
#                                              CHECK_TOOLS_DIR/checks-<lock hash>, once per lock file
#        infra/checks/tools.sh promtool       a promtool: PROMTOOL if set, else the one taken earlier
#                                              out of Debian's prometheus package into
#                                              CHECK_TOOLS_DIR/observability/bin (apt-get download +
#                                              dpkg -x: nothing installed system-wide, no daemon),
#                                              else one on the PATH
# CHECK_TOOLS_DIR defaults to /tmp/relay-check-tools. Nothing touches the network once installed.
set -euo pipefail

CHECKS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS_DIR="${CHECK_TOOLS_DIR:-/tmp/relay-check-tools}"
PROMETHEUS_DEB=prometheus # Debian 12: 2.42.0; promtool is a static Go binary inside it

install_node_modules() {
  command -v npm >/dev/null || { echo "FAIL  npm is not installed (apt-get install npm)" >&2; return 1; }
  local lock_hash modules_dir
  lock_hash="$(sha256sum "$CHECKS_DIR/package-lock.json" | cut -c1-16)"
  modules_dir="$TOOLS_DIR/checks-$lock_hash"
  if [[ ! -f "$modules_dir/.installed" ]]; then
    echo "installing infra/checks's packages into $modules_dir" >&2
    rm -rf "$modules_dir" && mkdir -p "$modules_dir"
    cp "$CHECKS_DIR/package.json" "$CHECKS_DIR/package-lock.json" "$modules_dir/"
    (cd "$modules_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$modules_dir/.installed"
  fi
  echo "$modules_dir/node_modules"
}

find_promtool() {
  local bin_dir="$TOOLS_DIR/observability/bin"
  if [[ -n "${PROMTOOL:-}" ]]; then echo "$PROMTOOL"; return; fi
  if [[ -x "$bin_dir/promtool" ]]; then echo "$bin_dir/promtool"; return; fi
  echo "extracting promtool from Debian's $PROMETHEUS_DEB package into $bin_dir" >&2
  local work
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  mkdir -p "$work/deb"
  if ! (cd "$work/deb" && apt-get download -q "$PROMETHEUS_DEB" >"$work/apt.log" 2>&1); then
    # no package lists yet on a fresh machine
    if [[ "$(id -u)" == 0 ]]; then apt-get update -qq >>"$work/apt.log" 2>&1 || true; fi
    (cd "$work/deb" && apt-get download -q "$PROMETHEUS_DEB" >>"$work/apt.log" 2>&1) || true
  fi
  if compgen -G "$work/deb/prometheus_*.deb" >/dev/null &&
    dpkg -x "$work"/deb/prometheus_*.deb "$work/x" && [[ -x "$work/x/usr/bin/promtool" ]]; then
    mkdir -p "$bin_dir"
    cp "$work/x/usr/bin/promtool" "$bin_dir/promtool.new" # only promtool: not the server
    mv "$bin_dir/promtool.new" "$bin_dir/promtool"
    echo "$bin_dir/promtool"
  elif command -v promtool >/dev/null; then
    command -v promtool
  else
    sed 's/^/      /' "$work/apt.log" >&2
    echo "promtool: could not download Debian's $PROMETHEUS_DEB package" >&2
    return 1
  fi
}

case "${1:-}" in
  node-modules) install_node_modules ;;
  promtool) find_promtool ;;
  *) echo "usage: $0 node-modules|promtool" >&2; exit 2 ;;
esac
