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

service multi ip=10.96.0.20 port=http,80:8080 port=metrics,9000:metrics=9090 \
	port=dns-tcp,53:5353 port=dns-udp,53/udp:5353 ep="$(pod_ip 1)" |
	apply >/dev/null || bail apply

check "port 80 reaches target port 8080" \
	grep -q '^pod1-http ' <<<"$(ask "$client" tcp 10.96.0.20 80)"
check "port 9000 reaches the named target port (9090)" \
	grep -q '^pod1-metrics ' <<<"$(ask "$client" tcp 10.96.0.20 9000)"
check "port 53/TCP reaches 5353/TCP" \
	grep -q '^pod1-dns-tcp ' <<<"$(ask "$client" tcp 10.96.0.20 53)"
check "port 53/UDP reaches 5353/UDP" \
	grep -q '^pod1-dns-udp ' <<<"$(ask "$client" udp 10.96.0.20 53)"
ksft_exit
