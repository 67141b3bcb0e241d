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
# The server answers at once and shuts the association down; SCTP has no
# half-close, so the client only reads (a write that crossed the server's
# SHUTDOWN failed with EPIPE on a slow kernel, the answer unprinted).
out=$(ip netns exec "$cpod" socat -u -T5 SCTP:10.96.11.1:9999 - 2>&1)
diag "$out"
check "SCTP ClusterIP reaches the pod's target port" grep -q '^pod1-sctp' <<<"$out"
ksft_exit
