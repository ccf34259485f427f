#!/bin/sh
# postrm of the offline package: dpkg has removed the units and rules by now. The veche-*
# users and /var/lib/veche-kiosk (keys, queued ballots) stay on purpose, even on purge.
set -eu

case "${1:-remove}" in
  remove | purge) ;;
  *) exit 0 ;;
esac

if [ -d /run/systemd/system ] && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
  systemctl daemon-reload || true
  udevadm control --reload-rules || true
fi
