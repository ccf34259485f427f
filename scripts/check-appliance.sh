#!/bin/sh
# Checks the appliance files with the tools that will run them:
#   (shell)      shellcheck on every shell script of the image and the two packages
#   units        systemd-analyze verify, in a throw-away root (see below)
#   udev         udevadm verify (systemd >= 253), else udevadm test's rule parser
#   users        systemd-sysusers + systemd-tmpfiles applied to a throw-away root, and the
#                resulting owners and modes compared with what the trust boundary needs
#   fstab        findmnt --verify on the image's fstab, and its root mounted read-only
#   builder      electron-builder.yml against electron-builder's JSON schema
#
#   scripts/check-appliance.sh [--images DIR] [--builder-config FILE] [--only a,b,...]
#
# Prints one line per check: "ok NAME", "FAIL NAME: why" or "skip NAME: why" (a tool is
# missing), and exits 1 if any check failed. With VECHE_REQUIRE_TOOLS=1 (CI) a skip fails
# too, so a missing tool cannot turn the check green.
# shellcheck disable=SC2016 # the 'sh -c' scripts get their arguments as $1, $2, ...
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
images="$repo/images"
builder_config="$repo/electron-builder.yml"
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images=$(cd "$2" && pwd); shift 2 ;;
    --builder-config) builder_config="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "check-appliance.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

wanted() { [ -z "$only" ] || printf ',%s,' "$only" | grep -q ",$1,"; }
pass() { echo "ok $1"; }
fail() {
  echo "FAIL $1: $2"
  failed=1
}
skip() {
  echo "skip $1: $2"
  if [ "${VECHE_REQUIRE_TOOLS:-0}" = 1 ]; then failed=1; fi
}
have() { command -v "$1" >/dev/null 2>&1; }
# Indents a tool's output under the FAIL line.
indent() { sed 's/^/    /'; }

check_shellcheck() {
  have shellcheck || { skip shellcheck "shellcheck is not installed (apt-get install shellcheck)"; return; }
  if shellcheck --shell=sh "$images"/*.sh "$images"/app/*.sh "$images"/app/electron/*.sh "$repo"/scripts/*.sh >"$work/sc.out" 2>&1 &&
    shellcheck --shell=bash "$images"/deb/*.sh >>"$work/sc.out" 2>&1; then
    pass shellcheck
  else
    fail shellcheck "$(indent <"$work/sc.out")"
  fi
}

# systemd-analyze verify loads a unit with everything it refers to, so it runs in a root
# that has the distribution's own units (sysinit.target, …) plus ours. The programs the
# units start (the app, cage, the credential unit's /bin/sh) are not in that root; empty executables
# stand at their paths, because verify insists that ExecStart= names an executable file.
check_units() {
  have systemd-analyze || { skip units "systemd-analyze is not installed (apt-get install systemd)"; return; }
  root="$work/units-root"
  unitdir="$root/usr/lib/systemd/system"
  mkdir -p "$unitdir"
  for dir in /usr/lib/systemd/system /lib/systemd/system; do
    if [ -f "$dir/sysinit.target" ]; then
      cp -R "$dir/." "$unitdir/"
      break
    fi
  done
  [ -f "$unitdir/sysinit.target" ] || { skip units "no systemd unit directory on this machine to verify against"; return; }
  units=""
  for unit in "$images"/systemd/*.service; do
    cp "$unit" "$unitdir/"
    units="$units /usr/lib/systemd/system/$(basename "$unit")"
    sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$unit" | while read -r exe; do
      case "$exe" in
        /opt/* | /usr/bin/cage | /bin/sh)
          mkdir -p "$root$(dirname "$exe")"
          printf '#!/bin/sh\nexit 0\n' >"$root$exe"
          chmod 0755 "$root$exe"
          ;;
      esac
    done
  done
  # verify returns 0 for unknown keys and bad values ("ignoring"), so any output fails.
  # shellcheck disable=SC2086 # $units is a list of paths without spaces
  if systemd-analyze verify --root="$root" $units >"$work/units.out" 2>&1 && [ ! -s "$work/units.out" ]; then
    pass units
  else
    fail units "$(indent <"$work/units.out")"
  fi
}

check_udev() {
  have udevadm || { skip udev "udevadm is not installed (apt-get install udev)"; return; }
  rules="$images/udev/70-veche-kiosk.rules"
  if udevadm verify --help >/dev/null 2>&1; then
    if udevadm verify --resolve-names=never "$rules" >"$work/udev.out" 2>&1; then pass udev; else fail udev "$(indent <"$work/udev.out")"; fi
    return
  fi
  # systemd < 253 has no `udevadm verify`, but `udevadm test` parses every rules file and
  # reports each bad line as FILE:LINE. Our file is bind-mounted into /etc/udev/rules.d in a
  # private mount namespace, with a group file that knows veche-devices (the package creates
  # it on the kiosk); any diagnostic that names our file fails the check.
  if ! have unshare || [ "$(id -u)" != 0 ]; then
    skip udev "udevadm has no 'verify' here and 'udevadm test' needs root for a private mount namespace"
    return
  fi
  mkdir -p "$work/rules.d"
  cp "$rules" "$work/rules.d/"
  { cat /etc/group; echo "veche-devices:x:990:"; } >"$work/group"
  for dev in /sys/class/mem/null /sys/class/tty/tty0; do
    [ -e "$dev" ] && break
  done
  unshare -m sh -c 'mount --bind "$1" /etc/udev/rules.d && mount --bind "$2" /etc/group && udevadm test --action=add "$3"' \
    sh "$work/rules.d" "$work/group" "$dev" >"$work/udev.all" 2>&1 || true
  if ! grep -q "70-veche-kiosk.rules" "$work/udev.all"; then
    fail udev "udevadm test did not read the rules file: $(indent <"$work/udev.all" | tail -n 5)"
  elif grep "70-veche-kiosk.rules:[0-9]" "$work/udev.all" >"$work/udev.out"; then
    fail udev "$(indent <"$work/udev.out")"
  else
    pass udev
  fi
}

# Creates the users and runtime directories in a throw-away root exactly as the kiosk does
# at boot, then checks the trust boundary: the host's state is private to veche-host, the
# ready file's directory is readable by veche-ui and nobody else, veche-ui is not in the
# device group.
check_users() {
  if ! have systemd-sysusers || ! have systemd-tmpfiles; then
    skip users "systemd-sysusers/systemd-tmpfiles are not installed (apt-get install systemd)"
    return
  fi
  root="$work/users-root"
  mkdir -p "$root/etc" "$root/run" "$root/var/lib"
  : >"$root/etc/passwd"
  : >"$root/etc/group"
  if ! systemd-sysusers --root="$root" "$images/sysusers.d/veche-kiosk.conf" >"$work/users.out" 2>&1; then
    fail users "systemd-sysusers: $(indent <"$work/users.out")"
    return
  fi
  # tmpfiles resolves user names through NSS, which reads the real /etc, so the throw-away
  # passwd/group go in through a private mount namespace when we can make one.
  if [ "$(id -u)" = 0 ] && have unshare; then
    unshare -m sh -c 'mount --bind "$1/etc/passwd" /etc/passwd && mount --bind "$1/etc/group" /etc/group && systemd-tmpfiles --root="$1" --create "$2"' \
      sh "$root" "$images/tmpfiles.d/veche-kiosk.conf" >>"$work/users.out" 2>&1 || {
      fail users "systemd-tmpfiles: $(indent <"$work/users.out")"
      return
    }
  else
    skip users "systemd-tmpfiles needs root (a private mount namespace) to resolve the kiosk users"
    return
  fi
  problems=""
  want() { # want PATH MODE OWNER GROUP
    # stat resolves names through the real /etc, so compare numeric ids instead.
    got=$(stat -c '%a %u %g' "$root$1" 2>/dev/null || echo missing)
    uid=$(awk -F: -v n="$3" '$1 == n { print $3 }' "$root/etc/passwd")
    gid=$(awk -F: -v n="$4" '$1 == n { print $3 }' "$root/etc/group")
    if [ "$got" != "$2 $uid $gid" ]; then problems="$problems $1: want $2 $3:$4 ($2 $uid $gid), got $got;"; fi
  }
  want /run/veche-kiosk 2750 veche-host veche-ui
  want /var/lib/veche-kiosk 700 veche-host veche-host
  members() { awk -F: -v g="$1" '$1 == g { print $4 }' "$root/etc/group"; }
  case ",$(members veche-devices)," in *,veche-host,*) ;; *) problems="$problems veche-host is not in veche-devices;" ;; esac
  case ",$(members veche-devices)," in *,veche-ui,*) problems="$problems veche-ui must not be in veche-devices;" ;; esac
  for user in veche-host veche-ui; do
    grep -q "^$user:" "$root/etc/passwd" || problems="$problems no user $user;"
  done
  if [ -z "$problems" ]; then pass users; else fail users "$problems"; fi
}

check_fstab() {
  have findmnt || { skip fstab "findmnt is not installed (apt-get install util-linux)"; return; }
  fstab="$images/rootfs/etc/fstab"
  # Sources are labels of the kiosk's disk, absent here: only parse errors and other
  # problems count, not "unreachable on boot".
  findmnt --verify --tab-file "$fstab" >"$work/fstab.out" 2>&1 || true
  root_opts=$(awk '$1 !~ /^#/ && $2 == "/" { print $4 }' "$fstab")
  if grep -q '[1-9][0-9]* parse error' "$work/fstab.out" || grep '\[[EW]\]' "$work/fstab.out" | grep -qv 'unreachable on boot'; then
    fail fstab "$(indent <"$work/fstab.out")"
  elif ! printf ',%s,' "$root_opts" | grep -q ',ro,'; then
    fail fstab "the root file system is not mounted read-only (options: $root_opts)"
  else
    pass fstab
  fi
}

check_builder() {
  have node || { skip builder "node is not installed"; return; }
  if (cd "$repo" && node scripts/validate-builder-config.mjs "$builder_config") >"$work/builder.out" 2>&1; then
    pass builder
  else
    fail builder "$(indent <"$work/builder.out")"
  fi
}

if wanted shellcheck; then check_shellcheck; fi
if wanted units; then check_units; fi
if wanted udev; then check_udev; fi
if wanted users; then check_users; fi
if wanted fstab; then check_fstab; fi
if wanted builder; then check_builder; fi
exit "$failed"
