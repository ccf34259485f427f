#!/bin/sh
# Prints what a built kiosk root file system contains, one fact per line: the kiosk users
# and their groups, the kiosk units and whether they are enabled, the udev rules, the
# application package. images/build.sh stores it as manifest.txt next to the tarball.
#
#   manifest.sh ROOT
# shellcheck disable=SC2016 # dpkg-query formats, not shell expansions
set -eu
root="$1"

echo "suite $(cat "$root/etc/debian_version")"
for user in veche-host veche-ui; do
  line=$(grep "^$user:" "$root/etc/passwd" || true)
  if [ -z "$line" ]; then
    echo "user $user MISSING"
    continue
  fi
  groups=$(awk -F: -v u="$user" '{ n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) printf "%s ", $1 }' "$root/etc/group")
  echo "user $user uid=$(echo "$line" | cut -d: -f3) home=$(echo "$line" | cut -d: -f6) groups=${groups% }"
done
for unit in veche-host.service veche-ui.service systemd-networkd.service systemd-timesyncd.service; do
  echo "unit $unit $(chroot "$root" systemctl is-enabled "$unit" 2>/dev/null || true)"
done
echo "target default $(chroot "$root" systemctl get-default)"
for rules in "$root"/usr/lib/udev/rules.d/*veche*.rules; do
  echo "rules $(basename "$rules") $(grep -c '^SUBSYSTEM' "$rules") rules"
done
case "$(awk -F: '$1 == "root" { print $2 }' "$root/etc/shadow")" in
  '*'* | '!'* | '') echo "login root locked" ;;
  *) echo "login root password-set" ;;
esac
echo "fstab root $(awk '$2 == "/" { print $4 }' "$root/etc/fstab")"
echo "compositor $(chroot "$root" dpkg-query -W -f '${Package} ${Version}' cage)"
kernel=$(chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' 'linux-image-[0-9]*' 2>/dev/null | head -n1 || true)
echo "kernel ${kernel:-none}"
app=$(chroot "$root" dpkg-query -W -f '${Package} ${Version} ${Architecture}' veche-kiosk 2>/dev/null || true)
echo "application ${app:-not-included}"
# What the units start, run inside the image: the command's runtime and its usage line.
if [ -n "$app" ]; then
  echo "application.launcher /usr/bin/veche-kiosk -> $(readlink "$root/usr/bin/veche-kiosk")"
  for exe in /opt/veche-kiosk/bin/veche-kiosk /opt/veche-kiosk/bin/veche-kiosk-screen; do
    if [ -x "$root$exe" ]; then echo "application.exec $exe"; else echo "application.exec $exe MISSING"; fi
  done
  if [ -x "$root/opt/veche-kiosk/node/bin/node" ]; then
    echo "application.runtime node $(chroot "$root" /opt/veche-kiosk/node/bin/node --version)"
  fi
  echo "application.cli $(chroot "$root" /usr/bin/veche-kiosk --help | head -n 1)"
  screen=$(chroot "$root" dpkg-query -W -f '${Package} ${Version}' chromium 2>/dev/null || true)
  echo "application.screen ${screen:-no-chromium}"
fi
echo "packages $(chroot "$root" dpkg-query -W -f '${Package}\n' | wc -l)"
