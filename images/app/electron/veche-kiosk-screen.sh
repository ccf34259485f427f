#!/bin/sh
# `veche-kiosk-screen` in the Electron package: the locked-down Electron shell as a Wayland
# client of cage; it takes --host-ready-file=PATH like the Chromium screen of the offline
# package, so veche-ui.service runs either package unchanged.
set -eu
self=$(readlink -f "$0")
app=$(dirname "$(dirname "$self")")
exec "$app/veche-kiosk" --ozone-platform=wayland "$@"
