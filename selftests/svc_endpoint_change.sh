#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Endpoints change under traffic: new connections follow the new set; an
# open TCP connection to an endpoint that stays keeps working; a UDP flow
# to a removed endpoint moves to a live one at its next datagram; a UDP
# flow that began before the Service existed reaches an endpoint once it
# has one.  As kube-proxy: a UDP flow stays on an endpoint that stops being
# ready but still serves (terminating); and, ksvc's own choice, the flows
# of a deleted UDP Service go with it.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 3
# Port 81 keeps its connections open (an echo after the greeting).
for i in 1 2 3; do
	ip netns exec "$(pod_ns $i)" "$KSTOOL" serve tcp 81 "pod$i" -e </dev/null >/dev/null 2>&1 &
	wait_listen "$(pod_ns $i)" tcp 81
done
add_pod client "$(pod_ip 9)"

svc_with() {	# svc_with POD[/COND]...: chg on those pods (service's ep=)
	local a
	# shellcheck disable=SC2046
	service chg ip=10.96.0.70 port=80 port=udp,80/udp port=long,81 \
		$(for a in "$@"; do echo "ep=$(pod_ip "${a%%/*}")${a#"${a%%/*}"}"; done)
}
svc_with 1 2 | apply >/dev/null || bail apply

# A long-lived TCP connection, and a UDP flow on the endpoint to remove.
coproc CONN { ip netns exec "$client" socat - TCP:10.96.0.70:81; }
read -r -t 10 first _ <&"${CONN[0]}"
keep=${first#pod}
gone=$((3 - keep))
diag "open connection on pod$keep; pod$gone goes away"
sport=
for p in $(seq 40000 40040); do
	if [ "$(udp_from "$client" 10.96.0.70 80 $p | cut -d' ' -f1)" = "pod$gone" ]; then
		sport=$p
		break
	fi
done
diag "UDP flow from port $sport is on pod$gone"

# A UDP flow to an address that is no service yet.
udp_from "$client" 10.96.0.71 80 41000 >/dev/null

svc_with "$keep" 3 | apply >/dev/null || bail apply

out=$(tcp_many "$client" 10.96.0.70 80 60)
diag "after the change: $(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';')"
check "new connections never reach the removed endpoint" \
	test "$(count "pod$gone" <<<"$out")" = 0 -a "$(grep -c FAIL <<<"$out")" = 0
check "new connections reach the added endpoint" test "$(count pod3 <<<"$out")" -gt 0

pingpong() {
	local l
	echo ping >&"${CONN[1]}" && read -r -t 10 l <&"${CONN[0]}" && [ "$l" = ping ]
}
check "the open connection to the surviving endpoint still works" pingpong

moved=$(udp_from "$client" 10.96.0.70 80 "$sport")
diag "UDP flow from port $sport now answered by: ${moved:-nobody}"
check "the UDP flow to the removed endpoint moved to a live one" \
	grep -Eq "^pod($keep|3) " <<<"$moved"

{
	svc_with "$keep" 3
	service late ip=10.96.0.71 port=udp,80/udp ep="$(pod_ip 1)"
} | apply >/dev/null || bail apply
late=$(udp_from "$client" 10.96.0.71 80 41000)
check "a UDP flow that began before the Service existed reaches it" \
	grep -q "^pod1 " <<<"$late"

# And one that began while the Service had no endpoints.
svc_with | apply >/dev/null
udp_from "$client" 10.96.0.70 80 42000 >/dev/null
svc_with 2 | apply >/dev/null
check "a UDP flow that began while the Service had no endpoints reaches one" \
	grep -q "^pod2 " <<<"$(udp_from "$client" 10.96.0.70 80 42000)"

# pods 2 and 3 serve; a flow lands on 3, which then terminates but still
# serves: the flow stays, while new ones go to pod2 (ready).
svc_with 2 3 | apply >/dev/null || bail apply
tsport=
for p in $(seq 43000 43040); do
	if [ "$(udp_from "$client" 10.96.0.70 80 $p | cut -d' ' -f1)" = pod3 ]; then
		tsport=$p
		break
	fi
done
diag "UDP flow from port $tsport is on pod3"
svc_with 2 3/serving | apply >/dev/null || bail apply
check "a UDP flow stays on an endpoint that terminates but still serves" \
	grep -q "^pod3 " <<<"$(udp_from "$client" 10.96.0.70 80 "$tsport")"

# The flow to late (on pod1) went when late was deleted (by the applies
# above, whose input no longer has it): no answer.
check "late is gone" sh -c "! ip netns exec '$node' '$KSVCCTL' get services -n default | grep -q '^late '"
gone_out=$(udp_from "$client" 10.96.0.71 80 41000)
diag "after late's deletion, its old flow got: ${gone_out:-no answer}"
check "the UDP flows of a deleted Service go with it" test -z "$gone_out"
kill "$CONN_PID" 2>/dev/null
ksft_exit
