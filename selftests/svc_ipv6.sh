#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPv6: a ClusterIP Service with IPv6 endpoints (EndpointSlice addressType
# IPv6) over TCP and UDP, a NodePort on the node's IPv6 address from the
# external client (masqueraded), and a reset without endpoints.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
setup_node6
for i in 1 2 3; do
	add_pod "pod$i" "$(pod_ip $i)"
	add_pod6 "pod$i" "$(pod_ip6 $i)"
done
for i in 1 2; do
	serve6 "$(pod_ns $i)" tcp 80 "pod$i"
	serve6 "$(pod_ns $i)" udp 80 "pod$i"
done
{
	service web6 ip=fd00:96::10 type=NodePort port=http,80@30680 \
		port=dns,80/udp@30680 ep="$(pod_ip6 1)" ep="$(pod_ip6 2)"
	service empty6 ip=fd00:96::11 port=http,80
} | apply >/dev/null || bail apply

out=$(for i in $(seq 16); do ask6 "$pod3" tcp fd00:96::10 80; done)
diag "$(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';') saw: $(cut -d' ' -f2 <<<"$out" | sort -u | tr '\n' ' ')"
check "IPv6 ClusterIP over TCP reaches both pods" \
	test "$(count pod1 <<<"$out")" -gt 0 -a "$(count pod2 <<<"$out")" -gt 0 -a "$(wc -l <<<"$out")" = 16
check "the pods saw the client pod's IPv6 address" \
	test "$(grep -cF "$(full6 "$(pod_ip6 3)")" <<<"$out")" = 16
check "IPv6 ClusterIP over UDP" grep -q '^pod[12] ' <<<"$(ask6 "$pod3" udp fd00:96::10 80)"
np=$(ask6 "$client" tcp $NODE_EXT6 30680)
diag "NodePort: $np"
check "IPv6 NodePort from the external client, masqueraded" \
	grep -qF " $(full6 $NODE_EXT6)" <<<"$np"
err=$(echo | ip netns exec "$pod3" socat -T3 - "TCP6:[fd00:96::11]:80,connect-timeout=3" 2>&1)
check "IPv6 Service without endpoints: connection refused" grep -q "Connection refused" <<<"$err"
ksft_exit
