#!/usr/bin/env bash
# Lints the workspace for Windows and macOS from Linux: `cargo clippy
# -D warnings` for x86_64-pc-windows-gnu, x86_64-apple-darwin and
# aarch64-apple-darwin, so code behind cfg(windows) / cfg(target_os = "macos")
# (and the keychain backends those targets compile in) is type-checked and
# linted on every change. Check level only: nothing is linked, and the results
# share target/ with the Linux build.
#
# Installs what is missing, and only that: the three rustup targets, the
# MinGW-w64 C compiler (Debian package gcc-mingw-w64-x86-64; aws-lc compiles C
# and tauri-build compiles a Windows resource), cargo-zigbuild from crates.io
# and zig from PyPI (package ziglang) as the C compiler for macOS.
# Called by scripts/test.sh; can be run on its own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
cd "$ROOT"

WINDOWS_TARGET=x86_64-pc-windows-gnu
MACOS_TARGETS=(x86_64-apple-darwin aarch64-apple-darwin)
CARGO_ZIGBUILD_VERSION=0.24.1
ZIGLANG_VERSION=0.15.2
# pip installs zig here (--target: no virtualenv, and no clash with a
# Debian-managed Python).
ZIG_HOME="${XDG_CACHE_HOME:-$HOME/.cache}/nylas-ms-wizard/ziglang-$ZIGLANG_VERSION"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
apt_install() {
  echo "==> Installing Debian packages: $*"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Rust targets (the standard library for each).
installed_targets="$(rustup target list --installed)"
missing_targets=()
for t in "$WINDOWS_TARGET" "${MACOS_TARGETS[@]}"; do
  grep -qx "$t" <<<"$installed_targets" || missing_targets+=("$t")
done
if [ "${#missing_targets[@]}" -gt 0 ]; then
  echo "==> Adding Rust targets: ${missing_targets[*]}"
  rustup target add "${missing_targets[@]}"
fi

# Windows: MinGW-w64 gcc (and windres, from its binutils).
if ! command -v x86_64-w64-mingw32-gcc >/dev/null || ! command -v x86_64-w64-mingw32-windres >/dev/null; then
  apt_install gcc-mingw-w64-x86-64
fi

# macOS: zig (from PyPI) as the C compiler, driven by cargo-zigbuild.
if ! command -v python3 >/dev/null || ! python3 -m pip --version >/dev/null 2>&1; then
  apt_install python3 python3-pip
fi
if [ ! -x "$ZIG_HOME/ziglang/zig" ]; then
  echo "==> Installing zig $ZIGLANG_VERSION from PyPI (ziglang) into $ZIG_HOME"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check \
    --target "$ZIG_HOME" "ziglang==$ZIGLANG_VERSION"
fi
export CARGO_ZIGBUILD_ZIG_PATH="$ZIG_HOME/ziglang/zig"
if ! command -v cargo-zigbuild >/dev/null; then
  echo "==> Installing cargo-zigbuild $CARGO_ZIGBUILD_VERSION from crates.io"
  cargo install "cargo-zigbuild@$CARGO_ZIGBUILD_VERSION" --locked
fi

# The shell's generate_context!() embeds ui/dist; test.sh builds it earlier.
if [ ! -f ui/dist/index.html ]; then
  echo "==> Building the UI (ui/dist is missing)"
  (cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build)
fi

# The end-to-end crate drives WebKitWebDriver and is Linux-only.
CLIPPY_ARGS=(--workspace --exclude wizard-e2e --all-targets --locked)

elapsed() { echo "    ($1: $((SECONDS - $2)) s)"; }

echo "==> cargo clippy for Windows ($WINDOWS_TARGET)"
start=$SECONDS
cargo clippy --target "$WINDOWS_TARGET" "${CLIPPY_ARGS[@]}" -- -D warnings
elapsed "$WINDOWS_TARGET" "$start"

for t in "${MACOS_TARGETS[@]}"; do
  echo "==> cargo clippy for macOS ($t, zig as the C compiler)"
  start=$SECONDS
  cargo-zigbuild clippy --target "$t" "${CLIPPY_ARGS[@]}" -- -D warnings
  elapsed "$t" "$start"
done
