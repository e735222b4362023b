#!/bin/sh
# Install the Debian packages netscope needs to build, test and benchmark,
# only those that are missing.  Called by `make deps` (and so by `make run`
# and `make check`); safe to run again.
set -e
PKGS="clang llvm libbpf-dev libelf-dev zlib1g-dev libzstd-dev bpftool libcmocka-dev pkg-config
      iproute2 pahole bpftrace linux-perf python3 util-linux
      libclang-14-dev libsqlite3-dev sqlite3 libclang-rt-14-dev
      chromium firefox-esr
      babeltrace2"
PKGS="$PKGS tshark"	# export --to pcapng: the e2e tests read the files back with tshark
PKGS="$PKGS protobuf-compiler"	# export --to perfetto: protoc --decode in the e2e tests
PKGS="$PKGS libtraceevent-dev"	# GFP flag names from the kmem format files (trace/gfp.c)
PKGS="$PKGS libtracefs-dev"	# --method ftrace: the private tracefs instance (capture/ftrace_session.c)
PKGS="$PKGS qemu-system-x86 busybox-static cpio xz-utils binutils"	# the VM lane (tests/vm)
PKGS="$PKGS hping3"	# bench/hping3.sh: a SYN flood generator netscope did not write
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing; run as root or install them" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq $missing >/dev/null
