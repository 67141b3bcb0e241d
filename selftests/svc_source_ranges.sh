#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# loadBalancerSourceRanges: the LoadBalancer address answers clients in
# the ranges and drops the others; the cluster IP is not restricted.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header 3
setup_node
pods 1
ip -n "$client" addr add 192.168.50.3/24 dev eth0
ip -n "$client" route add 192.168.60.0/24 via $NODE_EXT
apply >/dev/null <<EOF2 || fail apply
apiVersion: v1
kind: Service
metadata: {name: lbr, namespace: default}
spec:
  type: LoadBalancer
  clusterIP: 10.96.16.1
  loadBalancerSourceRanges: [192.168.50.2/32, 10.1.0.0/16]
  ports: [{name: "", port: 80, protocol: TCP}]
status: {loadBalancer: {ingress: [{ip: 192.168.60.5}]}}
$(slice lbr-1 lbr "$(pod_ip 1)")
EOF2
check "a client in the ranges reaches the LoadBalancer address" \
	grep -q '^pod1 ' <<<"$(echo | ip netns exec "$client" socat -T3 - TCP:192.168.60.5:80,bind=192.168.50.2,connect-timeout=3)"
check "a client outside them is dropped" \
	sh -c "! echo | ip netns exec '$client' socat -T2 - TCP:192.168.60.5:80,bind=192.168.50.3,connect-timeout=2 2>/dev/null | grep -q pod1"
check "the cluster IP is not restricted" grep -q '^pod1 ' <<<"$(ask "$pod1" tcp 10.96.16.1 80)"
ksft_exit
