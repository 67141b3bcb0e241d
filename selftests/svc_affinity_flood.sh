#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sessionAffinity under a flood of spoofed client addresses: the table
# holds at most `ksvcctl config --max-affinity` entries and, once full, the
# least recently used one makes room (as kube-proxy's xt_recent does), so
# a client that keeps connecting keeps its endpoint, and a new client is
# still sticky.  A full table that evicted nothing gave every new client
# a fresh endpoint per connection for the whole timeout.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 2
add_pod cpod "$(pod_ip 9)"
svc() {	# svc NAME IP: ClientIP for 1000 s, round robin, on pod1 and pod2
	service "$1" ip="$2" algo=round-robin affinity=1000 port=80 \
		ep="$(pod_ip 1)" ep="$(pod_ip 2)"
}
# "sticky" is asked only by the two real clients, so its round-robin
# cursor moves only for them; "flood" takes the spoofed SYNs.
{ svc sticky 10.96.15.1; svc flood 10.96.15.2; } | apply >/dev/null || bail apply
entries() { ksvc config | awk '/^affinity-entries:/ { print $2 }'; }
# flood N FROM: N SYNs to "flood", each from its own address, counted in.
flooded=0
flood() {
	ip netns exec "$client" "$KSTOOL" tcp-syn 10.96.15.2 80 "$1" "$2" || return 1
	flooded=$((flooded + $1))
	busywait 20000 test "$(svc_conns flood)" = $flooded
}

ksvc config --max-affinity 64 >/dev/null
check "config --max-affinity 64 holds" grep -q '^max-affinity: 64$' <<<"$(ksvc config)"

a=$(ask "$cpod" tcp 10.96.15.1 80 | cut -d' ' -f1)
flood 40 10.77.0.1 || fail "40 spoofed SYNs not all seen"
diag "client A on $a; after 40 spoofed sources: $(entries) entries"
# A connects again: now the most recently used.
again=$(ask "$cpod" tcp 10.96.15.1 80 | cut -d' ' -f1)
flood 60 10.77.1.1 || fail "60 more spoofed SYNs not all seen"
n=$(entries)
diag "A again on $again; after 100 spoofed sources: $n entries"
check "100 spoofed sources: the table holds at most 64 ($n)" test "${n:-65}" -le 64
check "... and is full ($n)" test "${n:-0}" = 64
out=$(tcp_many "$cpod" 10.96.15.1 80 4 | cut -d' ' -f1)
diag "A: $a $again $(tr '\n' ' ' <<<"$out")"
check "a client in use through the flood keeps its endpoint (least recently used go first)" \
	test -n "$a" -a "$again" = "$a" -a "$(count "$a" <<<"$out")" = 4
out=$(tcp_many "$client" 10.96.15.1 80 6 | cut -d' ' -f1)
diag "new client B on a full table: $(tr '\n' ' ' <<<"$out")"
check "a new client on a full table is sticky: 6 connections, one endpoint" \
	test "$(sort -u <<<"$out" | wc -l)" = 1 -a "$(wc -l <<<"$out")" = 6
ksvc config --max-affinity 8 >/dev/null
n=$(entries)
b=$(ask "$client" tcp 10.96.15.1 80 | cut -d' ' -f1)
check "a lowered cap holds at once ($n entries), the newest kept (B on $b)" \
	test "$n" = 8 -a "$b" = "$(head -1 <<<"$out")"
ksft_exit
