#!/bin/bash
# Fetch the Debian kernels the VM lane boots, once, into build/vm/kernels/:
#
#   6.1    bookworm's kernel: the package linux-image-amd64 depends on
#   6.12   the newest linux-image-6.12.*+deb12-amd64 of bookworm-security
#
# Each is downloaded as a .deb from the machine's configured Debian sources
# with `apt-get download` (never installed: /boot and /lib/modules of the
# host are not touched), and from it are kept the vmlinuz, its config and
# the modules the guest loads (MODULES below) with every module they
# depend on, read from each module's .modinfo "depends=" (a .deb has no
# modules.dep: depmod makes it at install time).  Modules are stored
# decompressed: busybox's insmod reads plain ELF only.
#
# usage: tests/vm/kernels.sh [LABEL...]   (default: 6.1 6.12)
# prints, per kernel, one line "LABEL DIR"; DIR holds vmlinuz, config,
# version (uname -r), package, modules/*.ko and modules.order (load order).
# Exits 2 when a kernel can neither be fetched nor found in the cache.
# NETSCOPE_VM_REFRESH=1 resolves the package names again (a newer upload).
set -u
cd "$(dirname "$0")/../.." || exit 1
CACHE=${NETSCOPE_VM_CACHE:-$PWD/build/vm}
# veth: the labs' namespace pair; e1000: the emulated NICs of the NIC test
MODULES="veth e1000"

log() { printf 'vm-kernels: %s\n' "$*" >&2; }

resolve() { # LABEL -> package name
	case $1 in
	6.1)
		apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-6\.1\.[0-9-]*-amd64\)$/\1/p' | head -1 ;;
	6.12)
		apt-cache pkgnames linux-image-6.12. 2>/dev/null |
			grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' | sort -V | tail -1 ;;
	*)
		return 1 ;;
	esac
}

modinfo_depends() { # FILE.ko -> its dependencies, one a line
	objcopy -O binary --only-section=.modinfo "$1" /dev/stdout 2>/dev/null |
		tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' '\n' | sed '/^$/d'
}

extract() { # LABEL PACKAGE DIR
	local label=$1 pkg=$2 dir=$3 deb tmp
	mkdir -p "$CACHE/debs"
	deb=$(ls "$CACHE/debs/${pkg}_"*.deb 2>/dev/null | head -1)
	if [ -z "$deb" ]; then
		log "downloading $pkg (apt-get download, not installed)"
		(cd "$CACHE/debs" && apt-get download -q "$pkg" >&2) || return 1
		deb=$(ls "$CACHE/debs/${pkg}_"*.deb 2>/dev/null | head -1)
		[ -n "$deb" ] || return 1
	fi
	tmp=$(mktemp -d "$CACHE/extract.XXXXXX") || return 1
	# only the kernel, its config and the modules tree
	if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards \
		'./boot/vmlinuz-*' './boot/config-*' './lib/modules/*/kernel/drivers/net/*' \
		'./lib/modules/*/kernel/net/*'; then
		rm -rf "$tmp"
		return 1
	fi
	local ver
	ver=$(basename "$(ls "$tmp"/boot/vmlinuz-* | head -1)")
	ver=${ver#vmlinuz-}
	rm -rf "$dir.new"
	mkdir -p "$dir.new/modules"
	cp "$tmp/boot/vmlinuz-$ver" "$dir.new/vmlinuz"
	cp "$tmp/boot/config-$ver" "$dir.new/config"
	echo "$ver" >"$dir.new/version"
	echo "$pkg" >"$dir.new/package"
	# name -> file, names with '-' and '_' alike as modprobe takes them
	declare -A path=()
	local f n
	while read -r f; do
		n=$(basename "$f")
		n=${n%%.ko*}
		path[${n//-/_}]=$f
	done < <(find "$tmp/lib/modules" -name '*.ko*')
	# depth-first: a module's dependencies are listed (and loaded) before it
	declare -A done=()
	add() {
		local m=${1//-/_} src out d
		[ -n "${done[$m]:-}" ] && return 0
		done[$m]=1
		src=${path[$m]:-}
		# no file: built in (=y) in this kernel, nothing to load
		[ -n "$src" ] || return 0
		out="$dir.new/modules/$m.ko"
		case $src in
		*.ko.xz) xz -dc "$src" >"$out" ;;
		*.ko.zst) zstd -qdc "$src" >"$out" ;;
		*.ko) cp "$src" "$out" ;;
		esac
		for d in $(modinfo_depends "$out"); do
			add "$d"
		done
		echo "$m" >>"$dir.new/modules.order"
	}
	for f in $MODULES; do
		if [ -z "${path[$f]:-}" ] && ! grep -qiE "^CONFIG_${f}=y" "$dir.new/config"; then
			log "$pkg has no module $f"
		fi
		add "$f"
	done
	touch "$dir.new/modules.order"
	rm -rf "$tmp" "$dir"
	mv "$dir.new" "$dir"
	log "$label: $pkg ($ver), modules: $(tr '\n' ' ' <"$dir/modules.order")"
}

rc=0
labels=${*:-6.1 6.12}
for label in $labels; do
	dir=$CACHE/kernels/$label
	pkg=
	if [ ! -s "$dir/vmlinuz" ] || [ -n "${NETSCOPE_VM_REFRESH:-}" ]; then
		pkg=$(resolve "$label")
		if [ -z "$pkg" ]; then
			log "$label: no package found in the configured Debian sources (apt-get update?)"
		elif [ "$(cat "$dir/package" 2>/dev/null)" != "$pkg" ] && ! extract "$label" "$pkg" "$dir"; then
			log "$label: cannot fetch or extract $pkg"
		fi
	fi
	if [ -s "$dir/vmlinuz" ]; then
		echo "$label $dir"
	else
		rc=2
	fi
done
exit $rc
