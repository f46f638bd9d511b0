#!/usr/bin/env bash
# Set-up on a fresh Debian machine: the system packages deai uses, then the npm packages
# (which compile the contracts and the TypeScript). With --test, also what the test suite needs.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] || packages+=(dataset-fashion-mnist)
if [ "${1:-}" = "--test" ]; then
  # The HTML report is checked in a real headless browser.
  command -v chromium >/dev/null 2>&1 || packages+=(chromium)
fi
if [ ${#packages[@]} -gt 0 ]; then
  echo "installing Debian packages: ${packages[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >&2
fi

npm install
