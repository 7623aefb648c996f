#!/usr/bin/env bash
# From a fresh clone on Debian: install what is missing, build in release mode, train DQN on the grid world.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
    echo "error: no Swift toolchain found; install Swift 6.1 or later from https://www.swift.org/install/linux/ and retry" >&2
    exit 1
fi

./scripts/install-system-packages.sh
swift build -c release
.build/release/rlrun dqn gridworld
