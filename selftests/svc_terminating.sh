#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Endpoint conditions: when no endpoint is ready, the serving and
# terminating ones take the traffic (as kube-proxy does); endpoints that
# are neither are never used; once one is ready again, only ready ones.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 3
add_pod cpod "$(pod_ip 9)"
svc() {	# svc READY: pod1 serving+terminating, pod2 terminating only, pod3 READY
	local c=ready
	[ "$1" = true ] || c=down
	service term ip=10.96.13.1 port=80 ep="$(pod_ip 1)/serving" \
		ep="$(pod_ip 2)/dying" ep="$(pod_ip 3)/$c"
}
svc false | apply >/dev/null || bail apply
out=$(tcp_many "$cpod" 10.96.13.1 80 20)
diag "no ready endpoint: $(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';')"
check "no ready endpoint: the serving terminating one answers" test "$(count pod1 <<<"$out")" = 20
svc true | apply >/dev/null || bail apply
out=$(tcp_many "$cpod" 10.96.13.1 80 20)
diag "one ready: $(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';')"
check "one ready endpoint: only it answers" test "$(count pod3 <<<"$out")" = 20
check "the non-serving terminating endpoint never answered" \
	test "$(count pod2 <<<"$out")" = 0
ksft_exit
