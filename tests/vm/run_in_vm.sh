#!/usr/bin/env bash
# run_in_vm.sh: runs one test command inside a throwaway VM that has the Linux kernel's
# real CAN stack (SocketCAN, vcan), and exits with that command's exit status.
#
# This machine's kernel has no AF_CAN and no KVM; Debian's kernel (linux-image-amd64)
# under qemu-system-x86_64's software emulation (TCG) has everything as modules. The
# script builds an initramfs (cpio newc) holding busybox-static, dash as /bin/sh,
# iproute2's ip, can-utils, the programs given with --program and every shared library
# ldd lists for them; its /init loads the CAN modules in modules.dep order, creates
# vcan0 (and more with --vcan N), runs the command with dash, prints
#   CANHOSE-VM-EXIT <status>
# on the serial console and powers off. A missing package, kernel or module, a failed
# boot or a timeout is a failure (exit 125..127 with a message on stderr), never a skip.
#
# Usage:
#   run_in_vm.sh --work DIR [--kernel VMLINUZ] [--timeout SECONDS] [--vcan N]
#                [--program PATH]... [--env NAME=VALUE]... -- COMMAND [ARG]...
# Programs land in /opt/canhose/bin (on PATH in the guest) under their own names,
# stripped of debug information. The guest's console output goes to stdout as it comes
# (and to DIR/console.log). Environment: CANHOSE_VM_KERNEL overrides the kernel,
# CANHOSE_VM_QEMU the qemu binary, CANHOSE_VM_KEEP=1 keeps DIR/root for inspection;
# ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS are passed on to the guest's command.
set -uo pipefail

fail() {
  echo "run_in_vm.sh: FAILED: $*" >&2
  exit 125
}

work=
kernel=${CANHOSE_VM_KERNEL:-}
timeout_s=240
vcan_count=1
programs=()
envs=()
while (($#)); do
  case $1 in
    --work) work=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --vcan) vcan_count=$2; shift 2 ;;
    --program) programs+=("$2"); shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) fail "unknown argument '$1' (see the usage at the top of $0)" ;;
  esac
done
(($#)) || fail "no test command given after --"
# Sanitizer settings reach the guest's test command (the asan test preset sets them).
for var in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
  [[ -n ${!var:-} ]] && envs+=("$var=${!var}")
done
[[ -n $work ]] || fail "--work DIR is required"

packages_hint="install them with packaging/install-build-deps.sh (qemu-system-x86 linux-image-amd64 busybox-static cpio iproute2 can-utils)"
qemu=${CANHOSE_VM_QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null || fail "$qemu not found; $packages_hint"
command -v cpio >/dev/null || fail "cpio not found; $packages_hint"
busybox=
for b in /bin/busybox /usr/bin/busybox; do
  if [[ -x $b ]] && ! ldd "$b" >/dev/null 2>&1; then busybox=$b; break; fi
done
[[ -n $busybox ]] || fail "no statically linked busybox (busybox-static); $packages_hint"
for tool in /bin/dash /usr/sbin/ip /usr/bin/cangen /usr/bin/cansend /usr/bin/candump; do
  [[ -x $tool ]] || fail "$tool not found; $packages_hint"
done

if [[ -z $kernel ]]; then
  # The newest Debian kernel that has its modules installed.
  for k in $(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V -r); do
    v=${k#/boot/vmlinuz-}
    if [[ -f /lib/modules/$v/modules.dep ]]; then kernel=$k; break; fi
  done
fi
[[ -n $kernel && -r $kernel ]] || fail "no readable kernel /boot/vmlinuz-* with modules in /lib/modules (linux-image-amd64); $packages_hint"
kver=${kernel##*/vmlinuz-}
moddir=/lib/modules/$kver
[[ -f $moddir/modules.dep ]] || fail "$moddir/modules.dep missing for kernel $kernel"

root=$work/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,lib/modules,opt/canhose/bin,var/tmp} ||
  fail "cannot create $root"

# Copies a dynamically linked program's shared libraries (and its interpreter) into root.
copy_libraries() {
  local lib
  while read -r lib; do
    [[ -n $lib && -e $lib ]] || continue
    mkdir -p "$root$(dirname "$lib")"
    [[ -e $root$lib ]] || cp -L "$lib" "$root$lib" || fail "cannot copy $lib"
  done < <(ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\/[^ ]+ \(/{print $1}')
}

install_program() {  # source, destination inside root, strip (yes/no)
  local src=$1 dst=$root$2
  [[ -x $src ]] || fail "program $src not found or not executable"
  mkdir -p "$(dirname "$dst")"
  if [[ $3 == yes ]]; then
    # Debug information only makes the initramfs bigger; symbols stay for backtraces.
    objcopy --strip-debug "$src" "$dst" 2>/dev/null || cp -L "$src" "$dst" || fail "cannot copy $src"
  else
    cp -L "$src" "$dst" || fail "cannot copy $src"
  fi
  chmod +x "$dst"
  copy_libraries "$src"
}

cp "$busybox" "$root/bin/busybox" || fail "cannot copy busybox"
# Only the applets the init script and the tests use; in particular no `ip` applet:
# iproute2's ip is needed for `type vcan`.
for applet in mount umount mkdir cat echo ls sleep poweroff insmod uname dmesg ps kill grep \
  head tail wc date cp rm mv ln touch timeout env true false seq tr cut sed awk mktemp chmod \
  printf test sync nproc stat find xargs od hexdump basename dirname expr tee sort uniq; do
  ln -s busybox "$root/bin/$applet"
done
install_program /bin/dash /bin/sh no
install_program /usr/sbin/ip /sbin/ip no
for tool in cangen cansend candump cangw; do
  [[ -x /usr/bin/$tool ]] && install_program "/usr/bin/$tool" "/usr/bin/$tool" no
done
for p in "${programs[@]}"; do
  install_program "$p" "/opt/canhose/bin/$(basename "$p")" yes
done
# Sanitizer and C++ runtimes are found through ldd above; DNS and users are not needed.
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

# Kernel modules: CAN (can, can-raw, can-dev, vcan) with their dependencies, in
# modules.dep order (each module's dependencies first).
modules=()
add_module() {  # module path relative to moddir
  local m=$1 dep
  for seen in "${modules[@]}"; do [[ $seen == "$m" ]] && return; done
  local line
  line=$(grep -E "^${m//./\\.}:" "$moddir/modules.dep") || fail "module $m not in $moddir/modules.dep"
  # modules.dep lists dependencies with the deepest last: load them in reverse.
  local deps=(${line#*:})
  for ((i = ${#deps[@]} - 1; i >= 0; i--)); do add_module "${deps[i]}"; done
  modules+=("$m")
}
for name in can can-raw can-dev vcan; do
  path=$(grep -oE "^[^:]*/${name}\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" | head -1)
  [[ -n $path ]] || fail "kernel module $name not found in $moddir/modules.dep"
  add_module "${path%:}"
done
for m in "${modules[@]}"; do
  case $m in
    *.ko) cp "$moddir/$m" "$root/lib/modules/" || fail "cannot copy module $m" ;;
    *.ko.xz) xz -dc "$moddir/$m" >"$root/lib/modules/$(basename "${m%.xz}")" || fail "cannot unpack $m" ;;
    *.ko.zst) zstd -dcq "$moddir/$m" >"$root/lib/modules/$(basename "${m%.zst}")" || fail "cannot unpack $m" ;;
    *.ko.gz) gzip -dc "$moddir/$m" >"$root/lib/modules/$(basename "${m%.gz}")" || fail "cannot unpack $m" ;;
  esac
done
module_files=""
for m in "${modules[@]}"; do
  b=$(basename "$m")
  module_files+=" ${b%.ko*}.ko"
done

# The test command, quoted for the shell.
{
  echo '#!/bin/sh'
  for e in "${envs[@]}"; do printf 'export %q\n' "$e"; done
  printf '%q ' "$@"
  echo
} >"$root/test.sh"

cat >"$root/init" <<EOF
#!/bin/sh
# Generated by tests/vm/run_in_vm.sh: prepare the guest, run /test.sh, report, power off.
export PATH=/opt/canhose/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root TMPDIR=/tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mkdir -p /root /dev/shm
status=0
for m in$module_files; do
  if ! insmod /lib/modules/\$m; then
    echo "CANHOSE-VM: insmod \$m failed"
    status=126
  fi
done
if [ \$status -eq 0 ]; then
  ip link set lo up
  i=0
  while [ \$i -lt $vcan_count ]; do
    ip link add dev vcan\$i type vcan && ip link set vcan\$i up || status=126
    i=\$((i + 1))
  done
fi
if [ \$status -eq 0 ]; then
  echo "CANHOSE-VM: up (\$(uname -r), \$(nproc) cpus); running the test"
  cd /tmp
  sh /test.sh
  status=\$?
else
  echo "CANHOSE-VM: guest setup failed"
fi
echo "CANHOSE-VM-EXIT \$status"
sync
poweroff -f
EOF
chmod +x "$root/init" "$root/test.sh"

initrd=$work/initrd.cpio
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$initrd" || fail "cpio failed"
[[ ${CANHOSE_VM_KEEP:-0} == 1 ]] || rm -rf "$root"

console=$work/console.log
echo "run_in_vm.sh: booting $kernel (initramfs $(du -h "$initrd" | cut -f1), timeout ${timeout_s}s)" >&2
start=$(date +%s)
timeout --kill-after=10 "$timeout_s" "$qemu" -M pc -accel tcg,thread=multi -cpu max -smp 2 -m 1024 \
  -nodefaults -display none -monitor none -serial stdio -no-reboot \
  -kernel "$kernel" -initrd "$initrd" \
  -append 'console=ttyS0 panic=-1 quiet loglevel=3 mitigations=off' </dev/null |
  tr -d '\r' | tee "$console"
qemu_status=${PIPESTATUS[0]}
elapsed=$(($(date +%s) - start))
rm -f "$initrd"

marker=$(grep -a '^CANHOSE-VM-EXIT ' "$console" | tail -1)
if [[ -z $marker ]]; then
  if ((qemu_status == 124 || qemu_status == 137)); then
    echo "run_in_vm.sh: FAILED: the VM did not finish within ${timeout_s}s (console: $console)" >&2
  else
    echo "run_in_vm.sh: FAILED: the VM ended (qemu status $qemu_status) without reporting the test's exit status: boot failed? (console: $console)" >&2
  fi
  exit 126
fi
status=${marker#CANHOSE-VM-EXIT }
echo "run_in_vm.sh: guest test exited with status $status after ${elapsed}s" >&2
exit "$status"
