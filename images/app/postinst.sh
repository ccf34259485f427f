#!/bin/sh
# postinst of the offline package (scripts/package-offline.ts). The units, rules, sysusers,
# tmpfiles and PAM files are the package's own files (dpkg installs and removes them); this
# creates the users and directories they need, and reloads systemd and udev on a live system.
set -eu

case "${1:-configure}" in
  configure) ;;
  *) exit 0 ;;
esac

if command -v systemd-sysusers >/dev/null 2>&1; then
  systemd-sysusers veche-kiosk.conf
fi
if command -v systemd-tmpfiles >/dev/null 2>&1; then
  systemd-tmpfiles --create veche-kiosk.conf || true
fi

# Inside an image build (a chroot) there is nothing to reload; the image recipe enables
# the units itself. On a plain Debian machine the technician enables them
# (docs/technician.md); an upgrade takes effect at the next restart of the units.
if [ -d /run/systemd/system ] && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
  systemctl daemon-reload || true
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=tty --subsystem-match=hidraw --subsystem-match=input || true
fi
