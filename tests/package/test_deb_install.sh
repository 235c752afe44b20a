#!/usr/bin/env bash
# The .deb installs on a clean Debian 12 and works there (issue 6):
#   1. cpack builds it from BUILD_DIR;
#   2. a minbase bookworm is debootstrapped (the tree is cached as a tarball
#      under /var/cache/cutover-test, one per day, so a second run is fast);
#   3. `apt-get install ./cutover_*.deb` in a chroot pulls the dependencies;
#   4. the installed binaries run, the sample config validates (with and
#      without its example app, which needs the installed pipelines), and
#      every file the package promises is where SPEC section 5 says;
#   5. `apt-get remove` and `apt-get purge` work.
# Usage: tests/package/test_deb_install.sh BUILD_DIR
# Needs root (debootstrap, chroot, mounts); exits 77 (skipped) otherwise.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "test_deb_install: SKIPPED: needs root for debootstrap, chroot and mounts"
  exit 77
fi
if [ $# -ne 1 ] || [ ! -f "$1/CMakeCache.txt" ]; then
  echo "usage: $0 BUILD_DIR (a configured cutover build tree)" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
mirror=http://deb.debian.org/debian
cache_dir=/var/cache/cutover-test
base_tarball=$cache_dir/bookworm-minbase-$(date +%Y%m%d).tar.gz

step=""
started=$SECONDS
begin() {
  step=$1
  step_started=$SECONDS
  echo "== $step"
}
done_step() { echo "   ($((SECONDS - step_started)) s)"; }
fail() {
  echo "test_deb_install: FAILED at \"$step\": $*" >&2
  exit 1
}

work=$(mktemp -d /var/tmp/cutover-deb-test.XXXXXX)
root=$work/root
mounts=()
# The chroot lives in memory: dpkg's fsyncs and deleting ~1 GB of small
# files afterwards cost more than the rest of the test on a slow disk.
mount -t tmpfs -o size=3g,mode=0755 cutover-deb-test "$work" && mounts+=("$work") ||
  { rmdir "$work"; echo "test_deb_install: FAILED: cannot mount a tmpfs on $work" >&2; exit 1; }
cleanup() {
  local status=$?
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || true
  done
  # Never follow a mount that failed to come off into the host's /dev or /proc.
  if grep -q " $work[/ ]" /proc/mounts; then
    echo "test_deb_install: left $work in place: something is still mounted on or under it" >&2
  else
    rm -rf --one-file-system "$work"
  fi
  [ "$status" -eq 0 ] || echo "test_deb_install: FAILED (exit $status) at \"$step\"" >&2
  exit "$status"
}
trap cleanup EXIT

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

begin "build the .deb with cpack from $build"
cmake --build "$build" --target cutoverd cutover >/dev/null || fail "cmake --build of cutoverd and cutover failed"
rm -f "$build"/package/cutover_*.deb
(cd "$build" && cpack -G DEB -B "$build/package" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed (output above)"; }
debs=("$build"/package/cutover_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one cutover_*.deb in $build/package, found: ${debs[*]}"
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
echo "   $(basename "$deb"): Depends: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -c "$deb" | grep -E 'unit_tests|loadgen|hookload|testapp|reconciler_pass|/usr/local/' &&
  fail "the package carries test or bench binaries, or files under /usr/local (listed above)"
done_step

begin "a clean Debian 12 (debootstrap minbase bookworm, cached in $base_tarball)"
mkdir -p "$root"
if [ ! -f "$base_tarball" ]; then
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap from $mirror failed (log tail above)"; }
  mkdir -p "$cache_dir"
  rm -f "$cache_dir"/bookworm-minbase-*.tar.gz
  # Renamed into place whole, so neither a run that dies mid-way nor one
  # beside it leaves or reads half a tarball.
  tar -C "$root" -czf "$base_tarball.$$.partial" . || fail "cannot write $base_tarball"
  mv "$base_tarball.$$.partial" "$base_tarball"
  echo "   debootstrapped in $((SECONDS - step_started)) s"
else
  tar -C "$root" -xzf "$base_tarball" || fail "cannot unpack $base_tarball (delete it to debootstrap again)"
  echo "   unpacked the cached tree"
fi
done_step

begin "prepare the chroot (mounts, resolv.conf, apt sources, policy-rc.d)"
mount -t proc proc "$root/proc" && mounts+=("$root/proc") || fail "cannot mount /proc in the chroot"
mount --bind /dev "$root/dev" && mounts+=("$root/dev") || fail "cannot bind /dev into the chroot"
mount --bind /dev/pts "$root/dev/pts" && mounts+=("$root/dev/pts") || fail "cannot bind /dev/pts into the chroot"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Where apt must accept an expired Release file (snapshot or proxy mirrors).
if [ -f /etc/apt/apt.conf.d/99artifact-registry ]; then
  cp /etc/apt/apt.conf.d/99artifact-registry "$root/etc/apt/apt.conf.d/"
fi
# What the Debian installer configures: the release, its updates and security.
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
# Nothing the package or its dependencies install may start a service here.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/tmp/"
done_step

begin "apt-get install ./$(basename "$deb") in the chroot"
in_root apt-get update -qq >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get update failed"; }
in_root sh -c "cd /tmp && apt-get install -y -q ./$(basename "$deb")" >"$work/apt.log" 2>&1 ||
  { tail -n 40 "$work/apt.log" >&2; fail "apt-get install of the .deb failed (log tail above)"; }
grep -E "^cutover: " "$work/apt.log" || true
in_root dpkg-query -W -f='${Status}' cutover | grep -q "install ok installed" || fail "dpkg does not list cutover as installed"
in_root dpkg-query -W -f='${Status}' nginx | grep -q "install ok installed" || fail "nginx (Depends) was not installed"
echo "   the chroot now holds $(du -smx "$root" | cut -f1) MB"
done_step

begin "the installed programs run"
out=$(in_root cutoverd --version) || fail "cutoverd --version exited $?"
[ "$out" = "cutoverd $version" ] || fail "cutoverd --version printed \"$out\", expected \"cutoverd $version\""
in_root cutover --help >/dev/null || fail "cutover --help exited $?"
in_root cutover config check /etc/cutover/cutover.yml || fail "the installed sample config does not validate"
# The sample's example app, uncommented, must validate too: it names
# `pipeline: default`, which only the installed share/cutover/pipelines has.
{
  cat "$root/etc/cutover/cutover.yml"
  sed -n '/^# apps:/,/^#$/p' "$root/etc/cutover/cutover.yml" | sed -e 's/^# \{0,1\}//'
} >"$root/tmp/with-app.yml"
in_root cutover config check /tmp/with-app.yml ||
  fail "the sample config with its example app uncommented does not validate"
done_step

begin "the files are where the package promises"
expect_file() { [ -f "$root$1" ] || fail "$1 is missing"; }
expect_file /usr/sbin/cutoverd
expect_file /usr/bin/cutover
expect_file /etc/cutover/cutover.yml
expect_file /usr/lib/systemd/system/cutoverd.service
expect_file /usr/share/man/man8/cutoverd.8
expect_file /usr/share/man/man1/cutover.1
expect_file /usr/share/man/man5/cutover.yml.5
for f in "$source_dir"/templates/nginx/*; do expect_file "/usr/share/cutover/templates/nginx/$(basename "$f")"; done
for f in "$source_dir"/pipelines/*.yml; do expect_file "/usr/share/cutover/pipelines/$(basename "$f")"; done
for d in config systemd debian; do
  [ ! -e "$root/usr/share/cutover/templates/$d" ] || fail "packaging sources templates/$d were installed as daemon templates"
done
if [ -f "$source_dir/agent/cli/completion/cutover.bash" ]; then
  expect_file /usr/share/bash-completion/completions/cutover
else
  echo "   note: agent/cli/completion/cutover.bash does not exist yet, so no completion is installed"
fi
grep -qx "ExecStart=/usr/sbin/cutoverd --config /etc/cutover/cutover.yml" "$root/usr/lib/systemd/system/cutoverd.service" ||
  fail "the unit's ExecStart does not name /usr/sbin/cutoverd and /etc/cutover/cutover.yml"
in_root dpkg-query -W -f='${Conffiles}' cutover | grep -q " /etc/cutover/cutover.yml " ||
  fail "/etc/cutover/cutover.yml is not a conffile"
in_root getent group cutover >/dev/null || fail "the postinst did not create the group cutover"
state=$(in_root stat -c '%a %U:%G' /var/lib/cutover) || fail "the postinst did not create /var/lib/cutover"
[ "$state" = "750 root:root" ] || fail "/var/lib/cutover is \"$state\", expected \"750 root:root\""
done_step

begin "systemd-analyze verify the unit"
# A systemd host has systemd (sysinit.target and the rest) and procps
# (/bin/kill for ExecReload); minbase has neither. The host's
# systemd-analyze then checks the unit against the chroot: its keys, and
# that the programs it runs exist. The man pages were checked above.
in_root apt-get install -y -q --no-install-recommends systemd procps >"$work/apt.log" 2>&1 ||
  { tail -n 20 "$work/apt.log" >&2; fail "apt-get install systemd procps failed"; }
command -v systemd-analyze >/dev/null || fail "systemd-analyze is not installed on this host (package systemd)"
systemd-analyze verify --man=no --root="$root" /usr/lib/systemd/system/cutoverd.service >"$work/verify.log" 2>&1 ||
  { cat "$work/verify.log" >&2; fail "systemd-analyze verify rejects the unit (output above)"; }
# An unknown or misspelt key is only a warning: any output fails too.
[ ! -s "$work/verify.log" ] || { cat "$work/verify.log" >&2; fail "systemd-analyze verify warns about the unit (output above)"; }
done_step

begin "apt-get remove, then purge"
in_root apt-get remove -y -q cutover >"$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log" >&2; fail "apt-get remove failed"; }
[ ! -e "$root/usr/sbin/cutoverd" ] || fail "cutoverd is still there after apt-get remove"
[ -f "$root/etc/cutover/cutover.yml" ] || fail "apt-get remove deleted the conffile (only purge may)"
in_root apt-get purge -y -q cutover >"$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log" >&2; fail "apt-get purge failed"; }
[ ! -e "$root/etc/cutover" ] || fail "/etc/cutover is still there after apt-get purge"
done_step

step="done"
echo "test_deb_install: passed in $((SECONDS - started)) s"
