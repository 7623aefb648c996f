#!/usr/bin/env bash
# Installs the Debian packages SwiftRL builds against, only those missing.
# Non-interactive; uses sudo when not run as root. Installs nothing when all are present.
set -euo pipefail

packages=(libopenblas-dev libsdl2-dev libpng-dev libgif-dev xvfb)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg -s "$package" >/dev/null 2>&1; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages: all present (${packages[*]})"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "error: missing packages ${missing[*]}; run this script as root or install sudo" >&2
    exit 1
fi

echo "system packages: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
