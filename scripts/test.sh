#!/usr/bin/env bash
# Runs the whole test suite. Installs nothing (see scripts/install-system-packages.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
swift test "$@"
