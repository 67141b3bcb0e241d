#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hairpin: a pod reaching itself through its Service gets an answer, and
# sees a node address as the source (masquerade), since a reply to its own
# address would never go back through the node's NAT.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 1
{
	service self ip=10.96.0.50 ep="$(pod_ip 1)"
} | apply >/dev/null || bail apply

out=$(tcp_many "$pod1" 10.96.0.50 80 5)
diag "$(sort <<<"$out" | uniq -c | tr '\n' ';')"
check "the pod reaches itself through its service" test "$(count pod1 <<<"$out")" = 5
check "and sees a node address, not its own" \
	test "$(grep -c " $(pod_ip 1)\$" <<<"$out")" = 0 -a "$(grep -c " $NODE_EXT\$" <<<"$out")" = 5
ksft_exit
