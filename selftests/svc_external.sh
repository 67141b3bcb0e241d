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
apply >/dev/null <<EOF2 || fail apply
apiVersion: v1
kind: Service
metadata: {name: lb, namespace: default}
spec:
  type: LoadBalancer
  clusterIP: 10.96.0.40
  externalIPs: [192.168.60.20]
  ports:
  - {name: "", port: 80, nodePort: 30081, protocol: TCP}
  - {name: udp, port: 80, nodePort: 30081, protocol: UDP}
status:
  loadBalancer:
    ingress:
    - {ip: 192.168.60.10, ipMode: VIP}
    - {ip: 192.168.60.11, ipMode: Proxy}
$(slice lb-1 lb "$(pod_ip 1)" "$(pod_ip 2)")
EOF2

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
