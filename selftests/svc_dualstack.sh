#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A dual-stack Service (clusterIPs of both families, one EndpointSlice per
# family) answers on both, each family reaching the pods' address of that
# family, on its cluster IPs and its node port.  The node port of an
# IPv4-only Service is not taken over in IPv6: a host socket there answers.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
setup_node6
for i in 1 2; do
	add_pod "pod$i" "$(pod_ip $i)"
	add_pod6 "pod$i" "$(pod_ip6 $i)"
done
serve "$pod1" tcp 80 pod1-v4
serve6 "$pod1" tcp 80 pod1-v6
{
	service dual ip=10.96.10.1 ip=fd00:96::20 type=NodePort \
		port=http,80@30101 ep="$(pod_ip 1)" ep="$(pod_ip6 1)"
	service v4only ip=10.96.10.2 type=NodePort port=http,80@30100 ep="$(pod_ip 1)"
} | apply >/dev/null || bail apply
check "IPv4 cluster IP reaches the pod's IPv4 address" \
	grep -q "^pod1-v4 $(pod_ip 2)\$" <<<"$(ask "$pod2" tcp 10.96.10.1 80)"
check "IPv6 cluster IP reaches the pod's IPv6 address" \
	grep -qF "pod1-v6 $(full6 "$(pod_ip6 2)")" <<<"$(ask6 "$pod2" tcp fd00:96::20 80)"
check "the dual-stack node port answers in IPv6" \
	grep -q "^pod1-v6 " <<<"$(ask6 "$client" tcp $NODE_EXT6 30101)"
check "the IPv4-only node port answers in IPv4" \
	grep -q "^pod1-v4 " <<<"$(ask "$client" tcp $NODE_EXT 30100)"
serve6 "$node" tcp 30100 host-v6
check "its port in IPv6 is left to the host's own socket" \
	grep -q "^host-v6 " <<<"$(ask6 "$client" tcp $NODE_EXT6 30100 2>&1)"
ksft_exit
