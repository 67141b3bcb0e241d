# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers of the build and test scripts (sourced, not run).

KSVC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KSVC_CACHE=${KSVC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ksvc}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
log() { echo "[$(basename "$0")] $*" >&2; }

# kernel_names: every kernel of the matrix, in order.
kernel_names() {
	awk '!/^#/ && NF { print $1 }' "$KSVC_TOP/scripts/kernels"
}

# kernel_field NAME COLUMN
kernel_field() {
	awk -v n="$1" -v c="$2" '!/^#/ && $1 == n { print $c; f = 1 } END { exit !f }' \
		"$KSVC_TOP/scripts/kernels" || die "unknown kernel '$1' (known: $(kernel_names | tr '\n' ' '))"
}

# kernel_release NAME: the uname -r of that kernel.
kernel_release() {
	local src arg
	src=$(kernel_field "$1" 2) || exit 1
	arg=$(kernel_field "$1" 3)
	case $src in
	deb)
		# linux-headers-<flavour> depends on linux-headers-<release>.
		apt-cache depends "linux-headers-$arg" 2>/dev/null |
			awk '/Depends: linux-headers-/ { sub("linux-headers-", "", $2); print $2; exit }' |
			grep . || die "cannot resolve linux-headers-$arg (run scripts/deps)"
		;;
	build)
		"$KSVC_TOP/scripts/debug-kernel" release "$arg"
		;;
	*) die "kernel $1: unknown source $src" ;;
	esac
}

# kernel_dir NAME: cache directory holding boot/vmlinuz-* and lib/modules/*
# of that kernel (fetched or built on first use).
kernel_dir() {
	local src rel arg
	src=$(kernel_field "$1" 2) || exit 1
	arg=$(kernel_field "$1" 3)
	rel=$(kernel_release "$1") || exit 1
	case $src in
	deb) fetch_deb_kernel "$rel" ;;
	build) "$KSVC_TOP/scripts/debug-kernel" dir "$arg" ;;
	esac
}

# kernel_kdir NAME: the kernel build tree to build modules against.
kernel_kdir() {
	local src rel
	src=$(kernel_field "$1" 2) || exit 1
	rel=$(kernel_release "$1") || exit 1
	case $src in
	deb) echo "/usr/src/linux-headers-$rel" ;;
	build) echo "$(kernel_dir "$1")/build" ;;
	esac
}

# fetch_deb_kernel RELEASE: unpack Debian's image package into the cache.
# The directory is keyed by the package's exact version, so a new upload
# gets a new directory and a stale one is never used.
fetch_deb_kernel() {
	local rel=$1 pkg ver dir tmp
	pkg=linux-image-$rel
	ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no package $pkg (run scripts/deps)"
	dir=$KSVC_CACHE/kernels/$pkg-$ver
	if [ ! -f "$dir/.complete" ]; then
		log "fetching $pkg $ver"
		rm -rf "$dir"
		tmp=$(mktemp -d)
		(cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null 2>&1) ||
			{ rm -rf "$tmp"; die "apt-get download $pkg=$ver failed"; }
		mkdir -p "$dir"
		dpkg-deb -x "$tmp"/*.deb "$dir" || die "cannot unpack $pkg"
		rm -rf "$tmp"
		touch "$dir/.complete"
	fi
	echo "$dir"
}
