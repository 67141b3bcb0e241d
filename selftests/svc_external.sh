#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# LoadBalancer ingress IP and spec.externalIPs, reached by an external
# client through the node; an ingress IP with ipMode Proxy is left to the
# load balancer; externalIPs switched off (ksvcctl config --external-ips).
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

# ksvcctl config --external-ips no: the field is deprecated; the next
# apply programs no external IP, and the same one in two Services is no
# conflict.
ksvc config --external-ips no >/dev/null || fail "config --external-ips no"
{
	service lb ip=10.96.0.40 type=LoadBalancer ext=192.168.60.20 \
		port=80@30081 lb=192.168.60.10/VIP ep="$(pod_ip 1)" ep="$(pod_ip 2)"
	service other ip=10.96.0.41 ext=192.168.60.20 port=80 ep="$(pod_ip 1)"
} | apply >/dev/null
check "--external-ips no: the same external IP in two Services is applied" test $? = 0
check "... and programmed in neither" sh -c "! ip netns exec $node $KSVCCTL get services | grep -q 192.168.60.20"
r=$(echo hi | ip netns exec "$client" socat -T3 - TCP:192.168.60.20:80,connect-timeout=3 2>/dev/null)
check "... and it answers no more ('$r')" test -z "$r"
check "the load-balancer IP still answers" \
	grep -q '^pod[12] ' <<<"$(ask "$client" tcp 192.168.60.10 80)"
check "config shows it" grep -qx "external-ips: no" <<<"$(ksvc config)"
ksft_exit
