#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The generic netlink family answers ksvcctl's version request, in every
# network namespace, and refuses attributes the request does not take.
. "$(dirname "$0")/lib.sh"
require_module

ktap_header

out=$("$KSVCCTL" version 2>&1)
diag "$out"
ver=$(cat "$TOP/VERSION")
proto=$(awk '$2 == "KSVC_GENL_VERSION" { print $3 }' "$TOP/uapi/linux/ksvc.h")
check "ksvcctl version shows the module's version and protocol" \
	grep -q "^module $ver (protocol $proto), table generation [0-9]" <<<"$out"

new_ns other
check "the family answers in another network namespace" \
	sh -c "ip netns exec '$other' '$KSVCCTL' version | grep -q '^module $ver'"

modver=$(modinfo -F version ksvc)
check "modinfo version matches ($modver)" test "$modver" = "$ver"
ksft_exit
