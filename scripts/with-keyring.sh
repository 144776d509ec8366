#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked GNOME
# Keyring (a real Secret Service), for the keychain and end-to-end tests.
#
# Why a fresh keyring folder: gnome-keyring keeps its "login" keyring under
# $XDG_DATA_HOME/keyrings. One left behind by an earlier run with another
# password stays locked, and storing a secret then needs a password prompt,
# which cannot open without a display. Why the waits: the daemon claims its
# D-Bus name a moment after it forks (a call sent before that makes D-Bus
# start a second daemon, which finds the keyring file half-written), and it
# answers before it has finished creating and unlocking that keyring.
set -euo pipefail

if [ -z "${WITH_KEYRING_INNER:-}" ]; then
  keyring_home="$(mktemp -d)"
  trap 'rm -rf "$keyring_home"' EXIT
  status=0
  WITH_KEYRING_INNER=1 XDG_DATA_HOME="$keyring_home" \
    dbus-run-session -- bash "${BASH_SOURCE[0]}" "$@" || status=$?
  exit "$status"
fi

printf "ci-keyring-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
# Waits for the name without activating anything.
gdbus wait --session --timeout 20 org.freedesktop.secrets

login_ready() {
  gdbus call --session --dest org.freedesktop.secrets \
    --object-path /org/freedesktop/secrets/collection/login \
    --method org.freedesktop.DBus.Properties.Get org.freedesktop.Secret.Collection Locked \
    2>/dev/null | grep -q false &&
  gdbus call --session --dest org.freedesktop.secrets \
    --object-path /org/freedesktop/secrets \
    --method org.freedesktop.Secret.Service.ReadAlias default \
    2>/dev/null | grep -q collection/login
}

# Poll the condition itself (bounded: 20 s at most), not a fixed delay.
for _ in $(seq 1 400); do
  if login_ready; then
    exec "$@"
  fi
  sleep 0.05
done
echo "gnome-keyring did not unlock its login keyring within 20 s" >&2
exit 1
