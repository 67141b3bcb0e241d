#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unloading the module with tables loaded in several namespaces and
# connections open is clean: no splat (the VM runner checks the kernel
# log), nothing left, and it loads again and works.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 2
# Port 81 keeps its connections open (an echo after the greeting).
for i in 1 2; do
	ip netns exec "$(pod_ns $i)" "$KSTOOL" serve tcp 81 "pod$i" -e </dev/null >/dev/null 2>&1 &
	wait_listen "$(pod_ns $i)" tcp 81
done
svc() { service web ip=10.96.5.1 port=81 ep="$(pod_ip 1)" ep="$(pod_ip 2)"; }
svc | apply >/dev/null || bail apply
new_ns other
svc | ip netns exec "$other" "$KSVCCTL" apply -f - >/dev/null || bail apply other

coproc CONN { ip netns exec "$client" socat - TCP:10.96.5.1:81; }
read -r -t 10 first <&"${CONN[0]}"
diag "open connection on $first"
check "a connection is open through the Service" grep -q '^pod' <<<"$first"
check "the module unloads with tables and open connections" modprobe -r ksvc
check "nothing of it is left" sh -c '! grep -q "^ksvc " /proc/modules'
kill "$CONN_PID" 2>/dev/null
modprobe ksvc
svc | apply >/dev/null
check "it loads again and routes" grep -q '^pod' <<<"$(ask "$client" tcp 10.96.5.1 81)"
ksft_exit
