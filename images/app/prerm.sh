#!/bin/sh
# prerm of the offline package: a removal stops the kiosk first; an upgrade does not (the
# running host keeps its open files, and the new version starts with the next restart).
set -eu

case "${1:-remove}" in
  remove) ;;
  *) exit 0 ;;
esac

if [ -d /run/systemd/system ] && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
  systemctl disable --now veche-ui.service veche-host.service 2>/dev/null || true
fi
