#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SCTP: a ClusterIP Service on an SCTP port reaches its pod (skipped where
# the kernel has no SCTP).
. "$(dirname "$0")/lib.sh"
require socat
require_module
modprobe sctp 2>/dev/null
[ -d /proc/sys/net/sctp ] || ksft_skip "no SCTP in this kernel"

ktap_header
setup_node
pods 1
add_pod cpod "$(pod_ip 9)"
serve "$pod1" sctp 9000 pod1-sctp
service sig ip=10.96.11.1 port=sig,9999/sctp:9000 ep="$(pod_ip 1)" |
	apply >/dev/null || bail apply
# SCTP has no half-close: keep our side open until the answer is in.
out=$( (echo hi; sleep 2) | ip netns exec "$cpod" socat -T3 - SCTP:10.96.11.1:9999 2>&1)
diag "$out"
check "SCTP ClusterIP reaches the pod's target port" grep -q '^pod1-sctp' <<<"$out"
ksft_exit
