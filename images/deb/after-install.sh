#!/bin/bash
# .deb after-install for Veche Kiosk. electron-builder fills in the two template values
# below (executable, sanitizedProductName) when it builds the package; a custom script
# replaces its default one, so this also does what the default did (command link, sandbox).
set -eu

# shellcheck disable=SC2016 # electron-builder substitutes these before packaging
app_dir='/opt/${sanitizedProductName}'
# shellcheck disable=SC2016
executable='${executable}'

# A space-free path for units and scripts: /opt/veche-kiosk -> "/opt/Veche Kiosk". The
# command is the host's CLI (bin/, from extraFiles), as in the offline package, not the
# Electron binary itself.
ln -sfn "$app_dir" /opt/veche-kiosk
ln -sf "$app_dir/bin/$executable" "/usr/bin/$executable"

# Chromium's sandbox: user namespaces when the kernel allows them, else the SUID helper.
if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
  chmod 0755 "$app_dir/chrome-sandbox" || true
else
  chmod 4755 "$app_dir/chrome-sandbox" || true
fi

sh "$app_dir/resources/appliance/install-appliance.sh" --root / --from "$app_dir/resources/appliance"

# Users and directories now, so the units can start without a reboot.
if command -v systemd-sysusers >/dev/null 2>&1; then
  systemd-sysusers veche-kiosk.conf
fi
if command -v systemd-tmpfiles >/dev/null 2>&1; then
  systemd-tmpfiles --create veche-kiosk.conf || true
fi

# Reload only on a running system; inside an image build (a chroot) there is nothing to
# reload, and the image recipe enables the units itself.
if [ -d /run/systemd/system ] && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
  systemctl daemon-reload || true
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=tty --subsystem-match=hidraw --subsystem-match=input || true
  # Units are deliberately not enabled here: a technician turns a plain Debian machine into
  # a kiosk with `systemctl enable --now veche-host veche-ui` (docs/technician.md).
fi
