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

{
	service api ns=team-a ip=10.96.1.1 port=80 ep="$(pod_ip 1)"
	service api ns=team-b ip=10.96.1.2 port=80 ep="$(pod_ip 2)"
	service db ns=team-a ip=10.96.1.3 port=pg,5432 ep="$CLIENT_IP"
} | apply >/dev/null || bail apply

check "team-a/api reaches team-a's pod" \
	test "$(tcp_many "$cpod" 10.96.1.1 80 10 | count pod1)" = 10
check "team-b/api reaches team-b's pod" \
	test "$(tcp_many "$cpod" 10.96.1.2 80 10 | count pod2)" = 10
check "both are listed, each in its namespace" \
	test "$(ksvc get services -A --no-headers | awk '$2 == "api" { print $1 }' | tr '\n' ' ')" = "team-a team-b "
check "a selector-less Service reaches the hand-listed host outside the pod network" \
	grep -q '^external-db ' <<<"$(ask "$pod1" tcp 10.96.1.3 5432)"
ksft_exit
