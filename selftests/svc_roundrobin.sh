#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The second endpoint-choice algorithm, round robin, selected per Service
# with the annotation ksvc.io/algorithm: 30 connections over 3 endpoints
# give exactly 10 each, in turn; a change of the Service that leaves its
# endpoints as they were does not restart the turn.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 3
add_pod cpod "$(pod_ip 9)"
service rr ip=10.96.12.1 algo=round-robin \
	ep="$(pod_ip 1)" ep="$(pod_ip 2)" ep="$(pod_ip 3)" |
	apply >/dev/null || bail apply
out=$(tcp_many "$cpod" 10.96.12.1 80 30 | cut -d' ' -f1)
diag "$(sort <<<"$out" | uniq -c | tr '\n' ';')"
check "exactly 10 connections each" \
	test "$(count pod1 <<<"$out")" = 10 -a "$(count pod2 <<<"$out")" = 10 -a "$(count pod3 <<<"$out")" = 10
check "in turn: no endpoint twice in a row" \
	test "$(uniq <<<"$out" | wc -l)" = 30

# One more (the 31st: pod2 after 30 in turn from pod2), then the Service
# gains an external IP, its endpoints unchanged: the next is pod3, where a
# restarted turn would give pod2 again.
rr_svc() {	# rr_svc EXTERNAL-IP
	service rr ip=10.96.12.1 algo=round-robin ext="$1" \
		ep="$(pod_ip 1)" ep="$(pod_ip 2)" ep="$(pod_ip 3)"
}
first=$(tcp_many "$cpod" 10.96.12.1 80 1 | cut -d' ' -f1)
rr_svc 203.0.113.12 | apply >/dev/null || bail apply
next=$(tcp_many "$cpod" 10.96.12.1 80 1 | cut -d' ' -f1)
diag "before the change: $first, after: $next"
check "an unrelated change keeps the turn" \
	test "$first" = pod2 -a "$next" = pod3
ksft_exit
