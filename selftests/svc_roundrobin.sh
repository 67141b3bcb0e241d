#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The second endpoint-choice algorithm, round robin, selected per Service
# with the annotation ksvc.io/algorithm: 30 connections over 3 endpoints
# give exactly 10 each, in turn.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header 2
setup_node
pods 3
add_pod cpod "$(pod_ip 9)"
{
	cat <<EOT
apiVersion: v1
kind: Service
metadata:
  name: rr
  namespace: default
  annotations: {ksvc.io/algorithm: round-robin}
spec:
  clusterIP: 10.96.12.1
  ports: [{name: "", port: 80, protocol: TCP}, {name: udp, port: 80, protocol: UDP}]
EOT
	slice rr-1 rr "$(pod_ip 1)" "$(pod_ip 2)" "$(pod_ip 3)"
} | apply >/dev/null || fail apply
out=$(tcp_many "$cpod" 10.96.12.1 80 30 | cut -d' ' -f1)
diag "$(sort <<<"$out" | uniq -c | tr '\n' ';')"
check "exactly 10 connections each" \
	test "$(count pod1 <<<"$out")" = 10 -a "$(count pod2 <<<"$out")" = 10 -a "$(count pod3 <<<"$out")" = 10
check "in turn: no endpoint twice in a row" \
	test "$(uniq <<<"$out" | wc -l)" = 30
ksft_exit
