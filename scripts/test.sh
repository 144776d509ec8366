#!/usr/bin/env bash
# Runs every test: formatting, lints (also for Windows and macOS), Rust
# unit/integration/shell tests, the UI's type check and tests, the keychain
# test against a real Secret Service, and the end-to-end tests of the real
# window under Xvfb.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

# A CI machine builds once from nothing: incremental caches only cost disk
# (4 GiB of a 14 GiB target), and a full disk once broke the linker there.
export CARGO_INCREMENTAL=0
echo "==> Disk before the build: $(df -h . | tail -1)"

if ! command -v tauri-driver >/dev/null; then
  echo "==> Installing tauri-driver (2.x line) from crates.io"
  cargo install tauri-driver@2.1.0 --locked
fi

step() { echo; echo "==> $*"; }

step "UI: type check, lint (ESLint), unit tests, production build"
(cd ui && npm run typecheck && npm run lint && npm test && npm run build)

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo clippy for Windows and macOS (x86_64-pc-windows-gnu, x86_64/aarch64-apple-darwin)"
bash scripts/cross-check.sh
# Their check results are only needed again on the next run: on a machine
# short of disk (under 20 GiB free), give the space back to the Linux build.
if [ "$(df -Pk . | awk 'NR==2 {print $4}')" -lt $((20 * 1024 * 1024)) ]; then
  echo "==> Under 20 GiB free: removing the Windows/macOS check results"
  rm -rf target/x86_64-pc-windows-gnu target/x86_64-apple-darwin target/aarch64-apple-darwin
fi

step "cargo test (unit, integration against the sandbox, shell ACL tests)"
cargo test --workspace --exclude wizard-e2e --locked

step "Generated from Rust: the TypeScript bindings and the UI tests' fixtures are up to date"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  if [ -n "$(git status --porcelain -- ui/src/bindings ui/src/test/generated)" ]; then
    git status --porcelain -- ui/src/bindings ui/src/test/generated
    echo "ui/src/bindings or ui/src/test/generated changed: run 'cargo test -p wizard-core' and commit the result." >&2
    exit 1
  fi
fi

step "wizard-core does not depend on Tauri"
if cargo tree -p wizard-core -e normal --prefix none | grep -E '^tauri( |-)'; then
  echo "wizard-core must not depend on tauri" >&2
  exit 1
fi

step "Keychain: real Secret Service (gnome-keyring) under a private D-Bus session"
bash scripts/with-keyring.sh \
  cargo test -p wizard-core --test keychain --locked -- --ignored --test-threads=1
# The CLI's `app create` with the new client secret going to the keychain.
bash scripts/with-keyring.sh \
  cargo test -p nylas-ms-setup --test cli_app_create --locked -- --ignored --test-threads=1

step "End-to-end: the real window under Xvfb via tauri-driver + WebKitWebDriver"
# The app, and the CLI that one test runs on the progress the window saved.
cargo build -p nylas-ms-wizard -p nylas-ms-setup --locked
rm -rf target/e2e-screenshots
# The window paints without accelerated compositing unless this variable is
# set (webview_memory.rs); WebKitWebDriver's screenshot then waits for a
# repaint that a still page never schedules. The e2e tests drive the window
# in WebKit's default, composited painting, which they have always used.
export WEBKIT_DISABLE_COMPOSITING_MODE=0
xvfb-run -a -s "-screen 0 1280x800x24" bash scripts/with-keyring.sh \
  cargo test -p wizard-e2e --locked -- --test-threads=1
echo
echo "Screenshots: $ROOT/target/e2e-screenshots/"
ls target/e2e-screenshots
echo "All tests passed."
