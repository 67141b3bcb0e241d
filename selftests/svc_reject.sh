#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A Service without endpoints: TCP connect is refused at once (a reset, not
# a timeout), UDP gets ICMP port unreachable; the rejects are counted.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header 5
setup_node
add_pod client "$(pod_ip 9)"
clusterip_svc empty 10.96.0.60 | apply >/dev/null || fail apply

refused() {
	local start end err
	start=$(date +%s%N)
	err=$(ip netns exec "$1" socat -T5 - "TCP:$2:$3,connect-timeout=5" </dev/null 2>&1)
	end=$(date +%s%N)
	diag "$(echo "$err" | tail -1) after $(( (end - start) / 1000000 )) ms"
	grep -q "Connection refused" <<<"$err" && [ $(( (end - start) / 1000000 )) -lt 3000 ]
}
check "TCP from a pod: connection refused at once" refused "$client" 10.96.0.60 80
check "TCP from the node itself: connection refused at once" refused "$node" 10.96.0.60 80

udp_unreach() {
	local err
	# A connected UDP socket reports the ICMP error on the next read.
	err=$(echo hi | ip netns exec "$1" socat -T3 - "UDP:$2:$3" 2>&1)
	diag "$(echo "$err" | tail -1)"
	grep -q "Connection refused" <<<"$err"
}
check "UDP from a pod: port unreachable" udp_unreach "$client" 10.96.0.60 80
# From the node itself the datagram is rejected in LOCAL_OUT: as with
# iptables' REJECT there, the send fails at once with EPERM (and the ICMP
# error follows).
udp_local() {
	local err
	err=$(echo hi | ip netns exec "$node" socat -T3 - "UDP:$1:$2" 2>&1)
	diag "$(echo "$err" | tail -1)"
	grep -Eq "Connection refused|Operation not permitted" <<<"$err"
}
check "UDP from the node itself: refused at once" udp_local 10.96.0.60 80
diag "$(ksvc stats)"
check "the four rejects are counted" \
	grep -q '^service default/empty connections=0 rejects=4$' <<<"$(ksvc stats)"
ksft_exit
