#!/bin/bash
# .deb after-remove for Veche Kiosk. Stops and removes the units and rules; keeps the
# veche-* users and /var/lib/veche-kiosk (keys, queued ballots) on purpose.
set -eu

# dpkg also runs this on upgrade (argument "upgrade"), after the new version is unpacked:
# then nothing may be stopped or removed, or an update would leave the kiosk dark.
case "${1:-remove}" in
  remove | purge) ;;
  *) exit 0 ;;
esac

# shellcheck disable=SC2016 # electron-builder substitutes this before packaging
executable='${executable}'

if [ -d /run/systemd/system ]; then
  systemctl disable --now veche-ui.service veche-host.service 2>/dev/null || true
fi

# The package's files are gone by now, so the list of what install-appliance.sh placed is
# repeated here.
rm -f /usr/lib/systemd/system/veche-host.service \
  /usr/lib/systemd/system/veche-ui.service \
  /usr/lib/udev/rules.d/70-veche-kiosk.rules \
  /usr/lib/sysusers.d/veche-kiosk.conf \
  /usr/lib/tmpfiles.d/veche-kiosk.conf \
  /etc/pam.d/veche-ui
rm -f "/usr/bin/$executable"
if [ -L /opt/veche-kiosk ] && [ ! -e /opt/veche-kiosk ]; then
  rm -f /opt/veche-kiosk
fi

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
  udevadm control --reload-rules || true
fi
