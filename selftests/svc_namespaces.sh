#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Names are per namespace: the same Service name in two namespaces routes
# each to its own endpoints.  A Service without a selector plus a
# hand-written EndpointSlice routes to the listed addresses, here a host
# outside the pod network (the external client's network).
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 2
add_pod cpod "$(pod_ip 9)"
# A database outside the cluster, on the external network.
serve "$client" tcp 5432 "external-db"

apply >/dev/null <<EOF2 || fail apply
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: api, namespace: team-a}
  spec:
    clusterIP: 10.96.1.1
    selector: {app: api}
    ports: [{port: 80, protocol: TCP}]
- apiVersion: v1
  kind: Service
  metadata: {name: api, namespace: team-b}
  spec:
    clusterIP: 10.96.1.2
    selector: {app: api}
    ports: [{port: 80, protocol: TCP}]
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: api-a, namespace: team-a, labels: {kubernetes.io/service-name: api}}
  addressType: IPv4
  ports: [{name: "", port: 80, protocol: TCP}]
  endpoints: [{addresses: ["$(pod_ip 1)"]}]
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: api-b, namespace: team-b, labels: {kubernetes.io/service-name: api}}
  addressType: IPv4
  ports: [{name: "", port: 80, protocol: TCP}]
  endpoints: [{addresses: ["$(pod_ip 2)"]}]
- apiVersion: v1
  kind: Service
  metadata: {name: db, namespace: team-a}
  spec:
    clusterIP: 10.96.1.3
    ports: [{name: pg, port: 5432, protocol: TCP}]
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: db-manual, namespace: team-a, labels: {kubernetes.io/service-name: db}}
  addressType: IPv4
  ports: [{name: pg, port: 5432, protocol: TCP}]
  endpoints: [{addresses: ["$CLIENT_IP"]}]
EOF2

check "team-a/api reaches team-a's pod" \
	test "$(tcp_many "$cpod" 10.96.1.1 80 10 | count pod1)" = 10
check "team-b/api reaches team-b's pod" \
	test "$(tcp_many "$cpod" 10.96.1.2 80 10 | count pod2)" = 10
check "both are listed, each in its namespace" \
	test "$(ksvc get services -A --no-headers | awk '$2 == "api" { print $1 }' | tr '\n' ' ')" = "team-a team-b "
check "a selector-less Service reaches the hand-listed host outside the pod network" \
	grep -q '^external-db ' <<<"$(ask "$pod1" tcp 10.96.1.3 5432)"
ksft_exit
