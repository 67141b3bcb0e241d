#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A LoadBalancer Service whose status gives its own cluster IP as an
# ingress IP (some cloud and bare-metal load balancers do): ksvc shows the
# address as the Service says (EXTERNAL-IP, status.loadBalancer.ingress),
# and serves it as the cluster IP, as kube-proxy does, whose rules for the
# cluster IP come before those for load-balancer IPs: no source-range
# check, no masquerade.  Its other ingress IP is a load-balancer IP as
# usual: restricted by loadBalancerSourceRanges.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 1
ip -n "$client" route add 10.96.17.0/24 via $NODE_EXT
ip -n "$client" route add 192.168.60.0/24 via $NODE_EXT
service shared ip=10.96.17.1 type=LoadBalancer range=10.1.0.0/16 \
	port=80@30170 lb=10.96.17.1 lb=192.168.60.7 ep="$(pod_ip 1)" |
	apply >/dev/null || bail apply

row=$(ksvc get services shared --no-headers)
diag "$row"
check "get shows the cluster IP as an external IP too" \
	test "$(awk '{ print $3 "|" $4 }' <<<"$row")" = "10.96.17.1|10.96.17.1,192.168.60.7"
yaml=$(ksvc get services shared -o yaml)
check "get -o yaml gives both ingress IPs of the status" \
	test "$(grep -c -e '- ip: "10.96.17.1"' -e '- ip: "192.168.60.7"' <<<"$yaml")" = 2
ksvc get services -A -o yaml | ksvc diff -f - >/dev/null
check "what get prints reads back the same (diff exits 0)" test $? = 0

out=$(echo | ip netns exec "$client" socat -T3 - TCP:10.96.17.1:80,connect-timeout=3)
diag "the shared address from outside: $out"
check "the shared address is served as the cluster IP: outside the source ranges, answered" \
	grep -q '^pod1 ' <<<"$out"
check "... and not masqueraded: the pod saw the client" \
	test "$out" = "pod1 $CLIENT_IP"
check "the other ingress IP is a load-balancer IP: the client outside the ranges is dropped" \
	sh -c "! echo | ip netns exec '$client' socat -T2 - TCP:192.168.60.7:80,connect-timeout=2 2>/dev/null | grep -q pod1"
ksft_exit
