#!/usr/bin/env bash
# Builds the .deb and .rpm packages (release build) into target/release/bundle/.
# AppImage, MSI and NSIS need tools downloaded from GitHub and are not enabled.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
# The CLI comes from npm on demand: only this platform's build is fetched.
exec npx --yes @tauri-apps/cli@2.12.5 build --bundles deb rpm "$@"
