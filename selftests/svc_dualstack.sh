#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A dual-stack Service (clusterIPs of both families, one EndpointSlice per
# family) answers on both, each family reaching the pods' address of that
# family.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header 2
setup_node
setup_node6
for i in 1 2; do
	add_pod "pod$i" "$(pod_ip $i)"
	add_pod6 "pod$i" "$(pod_ip6 $i)"
done
serve "$pod1" tcp 80 pod1-v4
serve6 "$pod1" tcp 80 pod1-v6
apply >/dev/null <<EOF2 || fail apply
apiVersion: v1
kind: Service
metadata: {name: dual, namespace: default}
spec:
  ipFamilyPolicy: RequireDualStack
  ipFamilies: [IPv4, IPv6]
  clusterIP: 10.96.10.1
  clusterIPs: [10.96.10.1, "fd00:96::20"]
  ports: [{name: http, port: 80, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: dual-v4, namespace: default, labels: {kubernetes.io/service-name: dual}}
addressType: IPv4
ports: [{name: http, port: 80, protocol: TCP}]
endpoints: [{addresses: ["$(pod_ip 1)"]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: dual-v6, namespace: default, labels: {kubernetes.io/service-name: dual}}
addressType: IPv6
ports: [{name: http, port: 80, protocol: TCP}]
endpoints: [{addresses: ["$(pod_ip6 1)"]}]
EOF2
check "IPv4 cluster IP reaches the pod's IPv4 address" \
	grep -q "^pod1-v4 $(pod_ip 2)\$" <<<"$(ask "$pod2" tcp 10.96.10.1 80)"
check "IPv6 cluster IP reaches the pod's IPv6 address" \
	grep -qF "pod1-v6 $(full6 "$(pod_ip6 2)")" <<<"$(ask6 "$pod2" tcp fd00:96::20 80)"
ksft_exit
