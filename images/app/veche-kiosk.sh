#!/bin/sh
# `veche-kiosk`, the host's command, in the offline package (scripts/package-offline.ts):
# the compiled host on the package's own Node runtime, whose ABI the native modules in
# node_modules were built for. The path is resolved through symlinks (/usr/bin/veche-kiosk)
# so that the same file also runs from an unpacked root file system, e.g. in the image test.
set -eu
self=$(readlink -f "$0")
app=$(dirname "$(dirname "$self")")
exec "$app/node/bin/node" "$app/dist/host/cli/main.js" "$@"
