#!/usr/bin/env bash
# Builds and opens the Nylas Microsoft Setup Wizard.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

echo "==> Building the web front end"
(cd "$ROOT/ui" && npm run build)
echo "==> Building and starting the app"
cd "$ROOT"
exec cargo run -p nylas-ms-wizard -- "$@"
