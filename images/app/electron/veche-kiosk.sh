#!/bin/sh
# `veche-kiosk`, the host's command, in the Electron package (electron-builder.yml,
# extraFiles): the Electron binary doubles as Node (the runAsNode fuse), so the native
# modules rebuilt for Electron's ABI load in the host too.
set -eu
self=$(readlink -f "$0")
app=$(dirname "$(dirname "$self")")
ELECTRON_RUN_AS_NODE=1 exec "$app/veche-kiosk" "$app/resources/app.asar/dist/host/cli/main.js" "$@"
