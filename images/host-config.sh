#!/bin/sh
# Writes the appliance's host configuration (/etc/veche-kiosk/host.json, format
# veche/host-config/v1, src/main/compose/config.ts) to stdout from a file of the election
# authority's Ed25519 PUBLIC keys: 64 lower-case hex digits a line, 1 to 8 keys, '#' comments
# and blank lines ignored. Any other line fails the build. A 32-byte private seed in hex would
# look the same: the file must come from the authority's public-key export, never its key store.
#
#   images/host-config.sh KEYS_FILE > host.json
#
# The kiosk key is passphrase-sealed; the passphrase reaches the host as the systemd
# credential veche-kiosk-passphrase (veche-kiosk-credential.service, docs/keys.md).
set -eu

keys_file="${1:-}"
if [ -z "$keys_file" ] || [ ! -f "$keys_file" ]; then
  echo "host-config.sh: no authority keys file: ${keys_file:-(none given)}" >&2
  exit 2
fi

keys=$(grep -v '^[[:space:]]*#' "$keys_file" | grep -v '^[[:space:]]*$' || true)
if [ -z "$keys" ]; then
  echo "host-config.sh: $keys_file holds no authority key" >&2
  exit 2
fi
if printf '%s\n' "$keys" | grep -qvx '[0-9a-f]\{64\}'; then
  echo "host-config.sh: $keys_file: every key line must be one Ed25519 public key, 64 lower-case hex digits" >&2
  exit 2
fi
count=$(printf '%s\n' "$keys" | wc -l)
if [ "$count" -gt 8 ]; then
  echo "host-config.sh: $keys_file holds $count keys; at most 8 are pinned" >&2
  exit 2
fi

list=$(printf '%s\n' "$keys" | sed 's/.*/"&"/' | paste -sd, -)
printf '{"format":"veche/host-config/v1","authorityKeys":[%s],"sealer":"passphrase"}\n' "$list"
