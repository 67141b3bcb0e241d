#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A Service with several ports mapped to different target ports, and one
# port number served on TCP and UDP at once, each reaching the right pod
# port.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
add_pod pod1 "$(pod_ip 1)"
serve "$pod1" tcp 8080 "pod1-http"
serve "$pod1" tcp 9090 "pod1-metrics"
serve "$pod1" tcp 5353 "pod1-dns-tcp"
serve "$pod1" udp 5353 "pod1-dns-udp"
add_pod client "$(pod_ip 9)"

apply >/dev/null <<EOF2 || fail apply
apiVersion: v1
kind: Service
metadata: {name: multi, namespace: default}
spec:
  clusterIP: 10.96.0.20
  ports:
  - {name: http, port: 80, targetPort: 8080, protocol: TCP}
  - {name: metrics, port: 9000, targetPort: metrics, protocol: TCP}
  - {name: dns-tcp, port: 53, targetPort: 5353, protocol: TCP}
  - {name: dns-udp, port: 53, targetPort: 5353, protocol: UDP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: multi-abc
  namespace: default
  labels: {kubernetes.io/service-name: multi}
addressType: IPv4
ports:
- {name: http, port: 8080, protocol: TCP}
- {name: metrics, port: 9090, protocol: TCP}
- {name: dns-tcp, port: 5353, protocol: TCP}
- {name: dns-udp, port: 5353, protocol: UDP}
endpoints:
- addresses: ["$(pod_ip 1)"]
  conditions: {ready: true}
EOF2

check "port 80 reaches target port 8080" \
	grep -q '^pod1-http ' <<<"$(ask "$client" tcp 10.96.0.20 80)"
check "port 9000 reaches the named target port (9090)" \
	grep -q '^pod1-metrics ' <<<"$(ask "$client" tcp 10.96.0.20 9000)"
check "port 53/TCP reaches 5353/TCP" \
	grep -q '^pod1-dns-tcp ' <<<"$(ask "$client" tcp 10.96.0.20 53)"
check "port 53/UDP reaches 5353/UDP" \
	grep -q '^pod1-dns-udp ' <<<"$(ask "$client" udp 10.96.0.20 53)"
ksft_exit
