#!/usr/bin/env bash
# Installs what dancu needs from Debian 12 (as root, only what is missing) and builds it in build/.
# Used by tools/demo.sh, tools/test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake ninja-build pkg-config
  librocksdb-dev libsodium-dev libzmq3-dev cppzmq-dev libzstd-dev
  capnproto libcapnp-dev
  libfprint-2-dev libglib2.0-dev libgusb-dev libpng-dev libjpeg62-turbo-dev
  libicu-dev catch2 libcli11-dev nlohmann-json3-dev
  libcpp-httplib-dev libssl-dev openssl nodejs chromium
  libpcsclite-dev pcscd vsmartcard-vpcd  # chip cards; the card_pcscd tests run a private pcscd
  clang  # the sanitizer build and the fuzzers (tools/sanitize.sh)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "dancu: run as root (or with sudo) to install the packages above" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The browser tests' one npm package (playwright-core, pinned by tests/web/package-lock.json); it
# drives Debian's chromium and downloads no browser.
if [ ! -d tests/web/node_modules/playwright-core ] || [ tests/web/package-lock.json -nt tests/web/node_modules ]; then
  command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
  (cd tests/web && npm ci --no-audit --no-fund --loglevel=error)
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
