#!/bin/sh
# `veche-kiosk-screen`, the kiosk's screen in the offline package: Debian's Chromium in
# kiosk mode following the host's ready file (veche-kiosk-screen.mjs), on the package's Node.
set -eu
self=$(readlink -f "$0")
app=$(dirname "$(dirname "$self")")
exec "$app/node/bin/node" "$app/bin/veche-kiosk-screen.mjs" "$@"
