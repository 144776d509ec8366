#!/usr/bin/env bash
# Installs everything the app and its tests need on Debian/Ubuntu. Safe to run
# again: it only installs what is missing. Works as root or with sudo.
# Sourced by run.sh and test.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages: Tauri's build needs (WebKitGTK 4.1, GTK 3, librsvg, libxdo,
# OpenSSL, D-Bus headers for the keychain), plus what the tests use: Xvfb,
# WebKitWebDriver, a real Secret Service (gnome-keyring), a D-Bus session and
# xclip (the e2e reads what "Copy the secret" put on the X clipboard).
APT_PACKAGES=(
  build-essential pkg-config curl wget file
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libxdo-dev libssl-dev libdbus-1-dev
  xvfb xauth webkit2gtk-driver xclip
  gnome-keyring libsecret-tools dbus dbus-x11
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed. Install it from https://rustup.rs (stable toolchain), then run this again." >&2
  exit 1
fi
if ! command -v npm >/dev/null; then
  echo "==> Installing Node.js and npm"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt 2>/dev/null || true

echo "==> Installing the web front end's packages"
(cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
