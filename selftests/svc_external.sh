#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# LoadBalancer ingress IP and spec.externalIPs, reached by an external
# client through the node; an ingress IP with ipMode Proxy is left to the
# load balancer.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 2
# The external client reaches the service addresses through the node.
ip -n "$client" route add 192.168.60.0/24 via $NODE_EXT
service lb ip=10.96.0.40 type=LoadBalancer ext=192.168.60.20 \
	port=80@30081 port=udp,80/udp@30081 \
	lb=192.168.60.10/VIP lb=192.168.60.11/Proxy \
	ep="$(pod_ip 1)" ep="$(pod_ip 2)" | apply >/dev/null || bail apply

check "LoadBalancer ingress IP answers the external client" \
	grep -q '^pod[12] ' <<<"$(ask "$client" tcp 192.168.60.10 80)"
check "external IP answers the external client" \
	grep -q '^pod[12] ' <<<"$(ask "$client" tcp 192.168.60.20 80)"
check "the pod saw the node's address (masquerade)" \
	grep -q "^pod[12] $NODE_EXT\$" <<<"$(ask "$client" tcp 192.168.60.10 80)"
proxy_not_routed() {
	! ksvc get services | grep -q 192.168.60.11 &&
		! ask "$client" tcp 192.168.60.11 80 2>/dev/null | grep -q '^pod'
}
check "an ingress IP with ipMode Proxy is not routed by ksvc" proxy_not_routed
ksft_exit
