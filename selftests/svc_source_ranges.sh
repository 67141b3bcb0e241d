#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# loadBalancerSourceRanges: the LoadBalancer address answers clients in
# the ranges and drops the others; the cluster IP is not restricted.  As
# kube-proxy's allowFromNode: when a range holds an address of the node,
# traffic from the Service's own load-balancer address (the node, or the
# load balancer, hairpinning) is allowed too; when none does, it is
# dropped like any other source outside the ranges.  With node IPs set
# (ksvcctl config --node-ips, kube-proxy's node IPs), the node IP alone
# decides, as in kube-proxy's TestLoadBalancer.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 1
ip -n "$client" addr add 192.168.50.3/24 dev eth0
ip -n "$client" route add 192.168.60.0/24 via $NODE_EXT
{
	service lbr ip=10.96.16.1 type=LoadBalancer port=80 lb=192.168.60.5 \
		range=192.168.50.2/32 range=10.1.0.0/16 ep="$(pod_ip 1)"
	service lbn ip=10.96.16.2 type=LoadBalancer port=80 lb=192.168.60.6 \
		range=10.1.0.0/16 range=192.168.50.0/24 ep="$(pod_ip 1)"
} | apply >/dev/null || bail apply
# The load-balancer addresses are on the node too (as MetalLB's L2 mode
# puts them), so that the node can send from them.
ip -n "$node" link add lb0 type dummy
ip -n "$node" addr add 192.168.60.5/32 dev lb0
ip -n "$node" addr add 192.168.60.6/32 dev lb0
ip -n "$node" link set lb0 up
check "a client in the ranges reaches the LoadBalancer address" \
	grep -q '^pod1 ' <<<"$(echo | ip netns exec "$client" socat -T3 - TCP:192.168.60.5:80,bind=192.168.50.2,connect-timeout=3)"
check "a client outside them is dropped" \
	sh -c "! echo | ip netns exec '$client' socat -T2 - TCP:192.168.60.5:80,bind=192.168.50.3,connect-timeout=2 2>/dev/null | grep -q pod1"
check "the cluster IP is not restricted" grep -q '^pod1 ' <<<"$(ask "$pod1" tcp 10.96.16.1 80)"
check "a range holds the node's $NODE_EXT: the LB address as source is allowed" \
	grep -q '^pod1 ' <<<"$(echo | ip netns exec "$node" socat -T3 - TCP:192.168.60.6:80,bind=192.168.60.6,connect-timeout=3)"
check "no range holds a node address: the LB address as source is dropped" \
	sh -c "! echo | ip netns exec '$node' socat -T2 - TCP:192.168.60.5:80,bind=192.168.60.5,connect-timeout=2 2>/dev/null | grep -q pod1"
# lbn's ranges hold the node address 192.168.50.1, lbr's hold none; the
# node IP moves the decision.
ksvc config --node-ips 10.1.0.1 >/dev/null
check "node IP 10.1.0.1 in lbr's range: its LB address as source is allowed" \
	grep -q '^pod1 ' <<<"$(echo | ip netns exec "$node" socat -T3 - TCP:192.168.60.5:80,bind=192.168.60.5,connect-timeout=3)"
check "node IP 10.1.0.1: lbn's ranges hold it too" \
	grep -q '^pod1 ' <<<"$(echo | ip netns exec "$node" socat -T3 - TCP:192.168.60.6:80,bind=192.168.60.6,connect-timeout=3)"
ksvc config --node-ips 172.16.0.1 >/dev/null
check "node IP in no range: lbn's LB address as source is dropped, though a range holds $NODE_EXT" \
	sh -c "! echo | ip netns exec '$node' socat -T2 - TCP:192.168.60.6:80,bind=192.168.60.6,connect-timeout=2 2>/dev/null | grep -q pod1"
ksvc config --node-ips "" >/dev/null
check "no node IPs: any node address decides again" \
	grep -q '^pod1 ' <<<"$(echo | ip netns exec "$node" socat -T3 - TCP:192.168.60.6:80,bind=192.168.60.6,connect-timeout=3)"
ksft_exit
