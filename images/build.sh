#!/bin/sh
# Builds the Veche Kiosk appliance root file system from Debian's packages, without root
# privileges: mmdebstrap in unshare mode (needs a subordinate uid range for the user, as
# every Debian user created by adduser has) or in fakechroot mode.
#
#   images/build.sh OUT_DIR --authority-keys FILE [--arch amd64|arm64] [--suite trixie]
#                           [--app-deb FILE | --no-app] [--no-kernel] [--mode unshare|fakechroot]
#                           [--mirror URL] [--root-password-hash HASH]
#
# --authority-keys (required) names the election authority's Ed25519 PUBLIC keys, one per line
# in hex; they are pinned in the image's /etc/veche-kiosk/host.json (images/host-config.sh),
# and a kiosk accepts provisioning bundles signed by them only. A test image uses
# images/authority/devnet.keys (the local devnet's authority, whose key anyone can derive).
#
# Output: OUT_DIR/veche-kiosk-rootfs-ARCH.tar (the root file system, to be written onto
# the LABEL=veche-root partition, see docs/appliance.md) and OUT_DIR/manifest.txt (users,
# units, rules and application found in it). The application is the offline package that
# scripts/package-offline.ts builds here first (this machine's architecture only), or the
# .deb given with --app-deb (e.g. electron-builder's); --no-app leaves it out, and the
# manifest says so. The stock image has no usable login (root is
# locked); --root-password-hash (a crypt(3) hash, e.g. from `openssl passwd -6`) gives the
# organisation's technicians a console login (docs/technician.md, "Console access").
# shellcheck disable=SC2016 # the hook strings are expanded by mmdebstrap's shell, not here
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=""
arch=$(dpkg --print-architecture)
suite=trixie
app_deb=""
app=build
kernel=yes
mode=unshare
mirror=http://deb.debian.org/debian
root_hash=""
authority_keys=""

while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="$2"; shift 2 ;;
    --suite) suite="$2"; shift 2 ;;
    --app-deb) app_deb=$(realpath "$2"); app=given; shift 2 ;;
    --no-app) app=none; shift ;;
    --no-kernel) kernel=no; shift ;;
    --mode) mode="$2"; shift 2 ;;
    --mirror) mirror="$2"; shift 2 ;;
    --root-password-hash) root_hash="$2"; shift 2 ;;
    --authority-keys) authority_keys="$2"; shift 2 ;;
    -*) echo "build.sh: unknown option: $1" >&2; exit 2 ;;
    *) out="$1"; shift ;;
  esac
done
if [ -z "$out" ]; then
  echo "usage: images/build.sh OUT_DIR --authority-keys FILE [--arch ARCH] [--suite SUITE] [--app-deb FILE | --no-app] [--no-kernel] [--mode unshare|fakechroot] [--root-password-hash HASH]" >&2
  exit 2
fi
if [ -z "$authority_keys" ]; then
  echo "build.sh: give --authority-keys FILE: the election authority's Ed25519 public keys (64 hex digits a line) that this image's kiosks trust; images/authority/devnet.keys for a test image only" >&2
  exit 2
fi
# Checked before anything slow: a wrong keys file fails the build here, with the reason.
sh "$here/host-config.sh" "$authority_keys" >/dev/null
if [ -n "$app_deb" ] && [ ! -f "$app_deb" ]; then
  echo "build.sh: no such .deb: $app_deb" >&2
  exit 2
fi
command -v mmdebstrap >/dev/null || { echo "build.sh: mmdebstrap is not installed (apt-get install mmdebstrap uidmap)" >&2; exit 2; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
sh "$here/host-config.sh" "$authority_keys" > "$out/host.json"

# The offline package carries this machine's Node and native modules, so it can only be
# built for this machine's architecture; another one needs a .deb built there.
if [ "$app" = build ]; then
  if [ "$arch" != "$(dpkg --print-architecture)" ]; then
    echo "build.sh: the offline application package is built for $(dpkg --print-architecture) only; give --app-deb FILE or --no-app for $arch" >&2
    exit 2
  fi
  app_deb=$(cd "$here/.." && npx tsx scripts/package-offline.ts --out "$out" | tail -n 1)
  [ -f "$app_deb" ] || { echo "build.sh: the application package was not built" >&2; exit 1; }
fi
tarball="$out/veche-kiosk-rootfs-$arch.tar"
manifest="$out/manifest.txt"
rm -f "$tarball" "$manifest"

packages=$(grep -v '^[[:space:]]*#' "$here/packages.txt" | grep -v '^[[:space:]]*$' | paste -sd, -)
if [ "$kernel" = yes ]; then
  packages="$packages,linux-image-$arch"
fi

# The hooks run with the new root file system as $1; the host side paths below are
# passed through the environment so that no path needs quoting inside a hook string.
export VECHE_IMAGES="$here" VECHE_APP_DEB="$app_deb" VECHE_ROOT_HASH="$root_hash" VECHE_HOST_JSON="$out/host.json"

set -- \
  --mode="$mode" \
  --variant=minbase \
  --architectures="$arch" \
  --components=main \
  --include="$packages" \
  --customize-hook='"$VECHE_IMAGES/install-appliance.sh" --root "$1" --from "$VECHE_IMAGES"' \
  --customize-hook='cp -R "$VECHE_IMAGES/rootfs/." "$1/"' \
  --customize-hook='mkdir -p "$1/var/lib/veche-kiosk" "$1/opt" "$1/media/veche-export" && echo veche-kiosk > "$1/etc/hostname"' \
  --customize-hook='install -D -m 0644 "$VECHE_HOST_JSON" "$1/etc/veche-kiosk/host.json"'

if [ -n "$app_deb" ]; then
  set -- "$@" \
    --customize-hook='cp "$VECHE_APP_DEB" "$1/tmp/veche-kiosk.deb"' \
    --customize-hook='chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/veche-kiosk.deb && rm -f "$1/tmp/veche-kiosk.deb"'
fi

if [ -n "$root_hash" ]; then
  set -- "$@" --customize-hook='chroot "$1" usermod -p "$VECHE_ROOT_HASH" root'
fi

set -- "$@" \
  --customize-hook='chroot "$1" systemd-sysusers' \
  --customize-hook='chroot "$1" systemctl enable veche-host.service veche-ui.service systemd-networkd.service systemd-timesyncd.service' \
  --customize-hook='chroot "$1" systemctl set-default graphical.target' \
  --customize-hook='mkdir -p "$1/usr/share/veche-kiosk" && "$VECHE_IMAGES/manifest.sh" "$1" > "$1/usr/share/veche-kiosk/image-manifest.txt"' \
  "$suite" "$tarball" "$mirror"

start=$(date +%s)
mmdebstrap "$@"
end=$(date +%s)

# The manifest is written inside the image (a technician finds it on the device too) and
# copied out here, with the build's own numbers appended.
tar -xOf "$tarball" ./usr/share/veche-kiosk/image-manifest.txt > "$manifest"
{
  echo "build.seconds $((end - start))"
  echo "build.tarball $(basename "$tarball") $(stat -c %s "$tarball")"
} >> "$manifest"
cat "$manifest"
