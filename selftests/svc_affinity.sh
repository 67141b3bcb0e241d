#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sessionAffinity ClientIP: with round robin (which alternates without
# affinity), every connection from one client goes to one endpoint while
# the affinity lives; after timeoutSeconds the next goes elsewhere; when
# the endpoint goes away its clients move; switching affinity off takes
# effect at once.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 3
add_pod cpod "$(pod_ip 9)"
svc() {	# svc ClientIP|None TIMEOUT PODS...
	local aff= p
	[ "$1" = ClientIP ] && aff=affinity=$2
	shift 2
	# shellcheck disable=SC2046
	service sticky ip=10.96.14.1 algo=round-robin port=80 $aff \
		$(for p in "$@"; do echo "ep=$(pod_ip "$p")"; done)
}
svc ClientIP 3 1 2 | apply >/dev/null || bail apply
out=$(tcp_many "$cpod" 10.96.14.1 80 10 | cut -d' ' -f1)
first=$(head -1 <<<"$out")
diag "with affinity: $(sort <<<"$out" | uniq -c | tr '\n' ';')"
check "affinity holds: 10 connections, one endpoint" test "$(count "$first" <<<"$out")" = 10
sleep 4
next=$(ask "$cpod" tcp 10.96.14.1 80 | cut -d' ' -f1)
diag "after the 3 s timeout: $next"
check "after the timeout the next connection goes to the other endpoint" \
	test -n "$next" -a "$next" != "$first"
# The endpoint it sticks to now goes away: its clients move.
other=1; [ "$next" = pod1 ] && other=2
svc ClientIP 3 "$other" 3 | apply >/dev/null || bail apply
moved=$(ask "$cpod" tcp 10.96.14.1 80 | cut -d' ' -f1)
check "the endpoint went away: the client moved ($moved)" test -n "$moved" -a "$moved" != "$next"
svc ClientIP 3 1 2 3 | apply >/dev/null
svc None 3 1 2 3 | apply >/dev/null || bail apply
out=$(tcp_many "$cpod" 10.96.14.1 80 6 | cut -d' ' -f1)
diag "affinity off: $(tr '\n' ' ' <<<"$out")"
check "affinity switched off: connections alternate again" test "$(uniq <<<"$out" | wc -l)" = 6
svc ClientIP 1000 1 2 3 | apply >/dev/null
out=$(tcp_many "$cpod" 10.96.14.1 80 6 | cut -d' ' -f1)
check "and on again: one endpoint" test "$(sort -u <<<"$out" | wc -l)" = 1
ksft_exit
