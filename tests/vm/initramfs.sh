#!/bin/bash
# Build the VM lane's initramfs for one kernel: busybox-static, netscope
# and ip(8) with the shared libraries they load (from ldd: the guest has
# no other userland), the guest scripts (tests/vm/guest), and the modules
# tests/vm/kernels.sh extracted for that kernel.  Two cpio archives
# concatenated, which the kernel unpacks one after the other: the common
# part, then the kernel's modules.
#
# usage: tests/vm/initramfs.sh KERNEL_DIR OUT.cpio.gz [NETSCOPE]
set -eu
cd "$(dirname "$0")/../.."
kdir=$1
out=$2
netscope=${3:-$PWD/build/netscope}
busybox=$(command -v busybox || true)
for f in "$busybox" "$netscope" "$kdir/modules.order"; do
	[ -n "$f" ] && [ -e "$f" ] || { echo "vm-initramfs: missing ${f:-busybox (package busybox-static)}" >&2; exit 1; }
done
file -L "$busybox" | grep -q 'statically linked' ||
	{ echo "vm-initramfs: $busybox is not static (install busybox-static)" >&2; exit 1; }

root=$(mktemp -d "${TMPDIR:-/tmp}/netscope-vm-root.XXXXXX")
trap 'rm -rf "$root" "$root.mod"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,etc,vm,modules,lib64}
cp "$busybox" "$root/bin/busybox"
# netscope without its debug information: the guest never reads it and
# the initramfs is unpacked by an emulated CPU
strip -o "$root/usr/bin/netscope" "$netscope"
ip=$(command -v ip || echo /usr/sbin/ip)
cp "$ip" "$root/usr/sbin/ip"
# every library either binary loads, at the path the dynamic loader looks in
for bin in "$netscope" "$ip"; do
	ldd "$bin" | awk '/=> \// {print $3} /^\t\/lib/ {print $1}'
done | sort -u | while read -r lib; do
	real=$(readlink -f "$lib")
	dest=$root/${lib#/usr}
	mkdir -p "$(dirname "$dest")"
	cp "$real" "$dest"
done
cp tests/vm/guest/init "$root/init"
cp tests/vm/guest/*.sh "$root/vm/"
chmod +x "$root/init"
echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"

mkdir -p "$root.mod/modules"
cp "$kdir"/modules/*.ko "$root.mod/modules/" 2>/dev/null || true
cp "$kdir/modules.order" "$root.mod/modules.order"

mkdir -p "$(dirname "$out")"
{
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1)
	(cd "$root.mod" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1)
} >"$out.tmp"
mv "$out.tmp" "$out"
