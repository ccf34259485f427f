#!/bin/sh
# Places the kiosk's systemd units, udev rules, sysusers/tmpfiles entries and PAM stack
# into a root file system. One script for both paths that install them: the image recipe
# (images/build.sh, into the rootfs being built) and the .deb's after-install script (into
# the live system, from the app's resources/appliance directory).
#
#   install-appliance.sh --root DIR --from DIR
set -eu

root=""
from=""
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="$2"; shift 2 ;;
    --from) from="$2"; shift 2 ;;
    *) echo "install-appliance.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$root" ] || [ -z "$from" ]; then
  echo "usage: install-appliance.sh --root DIR --from DIR" >&2
  exit 2
fi

place() { # place MODE SOURCE TARGET-DIR
  install -d -m 0755 "$root$3"
  install -m "$1" "$from/$2" "$root$3/"
}

place 0644 systemd/veche-host.service /usr/lib/systemd/system
place 0644 systemd/veche-ui.service /usr/lib/systemd/system
place 0644 systemd/veche-kiosk-credential.service /usr/lib/systemd/system
place 0644 udev/70-veche-kiosk.rules /usr/lib/udev/rules.d
place 0644 sysusers.d/veche-kiosk.conf /usr/lib/sysusers.d
place 0644 tmpfiles.d/veche-kiosk.conf /usr/lib/tmpfiles.d
place 0644 pam.d/veche-ui /etc/pam.d
