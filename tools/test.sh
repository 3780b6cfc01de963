#!/usr/bin/env bash
# Installs, builds and runs every test (the command README gives, and what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
ctest --test-dir build --output-on-failure -j 2 --timeout 1200
