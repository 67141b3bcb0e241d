#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A Service without endpoints: TCP connect is refused at once (a reset, not
# a timeout), UDP gets ICMP port unreachable; the rejects are counted.
# Resets are limited (ksvcctl config --max-resets-per-sec): a burst of SYNs
# gets a second's worth and what refills while it lasts, the rest nothing,
# and every SYN is still counted as a reject.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
add_pod client "$(pod_ip 9)"
service empty ip=10.96.0.60 | apply >/dev/null || bail apply

# refused NS ADDR PORT: the connect fails with a reset for its first SYN,
# under a second by socat's own clock (-lu: microseconds) from the connect
# to its failure, the time a loaded machine takes to start it left out (a
# reset only for the SYN retransmitted after a second would take longer).
refused() {
	local err ms
	err=$(ip netns exec "$1" socat -d -d -lu -T5 - "TCP:$2:$3,connect-timeout=5" </dev/null 2>&1)
	ms=$(awk '/ N opening connection to / { split($2, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3] }
		/ E connect\(/ { split($2, t, ":"); e = t[1] * 3600 + t[2] * 60 + t[3] }
		END { if (e && e < s) e += 86400; if (s && e) printf "%d\n", (e - s) * 1000; else print -1 }' <<<"$err")
	diag "$(grep ' E ' <<<"$err" | tail -1) after $ms ms"
	grep -q "Connection refused" <<<"$err" && [ "$ms" -ge 0 ] && [ "$ms" -lt 1000 ]
}
check "TCP from a pod: connection refused at once" refused "$client" 10.96.0.60 80
check "TCP from the node itself: connection refused at once" refused "$node" 10.96.0.60 80

udp_unreach() {
	local err
	# A connected UDP socket reports the ICMP error on the next read.
	err=$(echo hi | ip netns exec "$1" socat -T3 - "UDP:$2:$3" 2>&1)
	diag "$(echo "$err" | tail -1)"
	grep -q "Connection refused" <<<"$err"
}
check "UDP from a pod: port unreachable" udp_unreach "$client" 10.96.0.60 80
# From the node itself the datagram is rejected in LOCAL_OUT: as with
# iptables' REJECT there, the send fails at once with EPERM (and the ICMP
# error follows).
udp_local() {
	local err
	err=$(echo hi | ip netns exec "$node" socat -T3 - "UDP:$1:$2" 2>&1)
	diag "$(echo "$err" | tail -1)"
	grep -Eq "Connection refused|Operation not permitted" <<<"$err"
}
check "UDP from the node itself: refused at once" udp_local 10.96.0.60 80
diag "$(ksvc stats)"
check "the four rejects are counted" \
	test "$(svc_counter empty connections) $(svc_counter empty rejects)" = "0 4"

ksvc config --max-resets-per-sec 5 >/dev/null
check "config --max-resets-per-sec 5 holds" \
	grep -q '^max-resets-per-sec: 5$' <<<"$(ksvc config)"
# The resets the client receives, counted as they arrive.
ip netns exec "$client" nft -f - <<'EOT' || bail "nft"
table inet count {
	chain in {
		type filter hook input priority 0;
		tcp flags & rst == rst counter
	}
}
EOT
rejects() { test "$(svc_counter empty connections) $(svc_counter empty rejects)" = "0 $1"; }
resets() {
	ip netns exec "$client" nft list chain inet count in |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}
resets_reach() { [ "$(resets)" -ge "$1" ]; }
start=$(date +%s%N)
ip netns exec "$client" "$KSTOOL" tcp-syn 10.96.0.60 80 200 || bail "kstool tcp-syn"
busywait 60000 rejects 204
ms=$(( ($(date +%s%N) - start) / 1000000 ))
burst=$(resets)
# A second's worth at once (5), then 5 a second while the burst lasts
# (its time measured generously: a debug kernel takes seconds).
most=$((5 + 5 * ms / 1000 + 1))
diag "200 SYNs, all rejected within $ms ms: $burst resets"
check "a burst of 200 SYNs: 5 to $most resets ($burst)" \
	test "${burst:-0}" -ge 5 -a "${burst:-999}" -le $most
check "... and all 200 counted as rejects" rejects 204
# A second after the last reject the limit is whole again.
sleep 1
ip netns exec "$client" "$KSTOOL" tcp-syn 10.96.0.60 80 5 || bail "kstool tcp-syn"
busywait 60000 rejects 209
busywait 20000 resets_reach $((burst + 5))
more=$(($(resets) - burst))
check "a second later, 5 more SYNs: 5 resets ($more)" test "$more" = 5
ksft_exit
