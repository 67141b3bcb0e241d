#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink API refuses malformed requests, each with an extack message
# that says why, and changes nothing; a transaction whose socket closes
# without a commit is dropped; a frontend claimed by another Service is
# refused with the kernel's reason, printed by ksvcctl.
. "$(dirname "$0")/lib.sh"
require_module
[ -x "$KSTOOL" ] || ksft_skip "kstool not built"

ktap_header
setup_node
kst() { ip netns exec "$node" "$KSTOOL" "$@"; }

{ service web ip=10.96.6.1 ep=10.244.0.50; } | apply >/dev/null ||
	fail apply
table() { ksvc get services -A -o wide --no-headers | tr -s ' '; }
before=$(table)
out=$(kst bad)
diag "$out"
expect() {	# expect CASE ERRNO-TEXT MESSAGE-PART
	grep -q "^$1: $2: .*$3" <<<"$out" || fail "$1: wanted '$2: ...$3'"
}
all_refused() {
	expect no-name "Invalid argument" "namespace and name are required" &&
	expect long-name "Numerical result out of range\|Invalid argument" "" &&
	expect endpoint-port-index "Invalid argument" "port the service does not have" &&
	expect bad-protocol "Invalid argument" "protocol must be TCP, UDP or SCTP" &&
	expect endpoint-flags "Invalid argument" "" &&
	expect no-nested-flag "Invalid argument" "NLA_F_NESTED is missing" &&
	expect unknown-attribute "Invalid argument" "" &&
	expect frontend-two-addresses "Invalid argument" "exactly one of an IPv4 and an IPv6 address" &&
	expect frontend-multicast "Invalid argument" "not a unicast address" &&
	expect short-address "[A-Za-z ]*" "" &&
	expect set-counters "Invalid argument" "" &&
	expect duplicate-node-port "Invalid argument" "same node port" &&
	expect append-without-transaction "Invalid argument" "append must follow" &&
	expect zero-port "Numerical result out of range\|Invalid argument" "" &&
	expect frontend-without-ports "Invalid argument" "needs at least one port" &&
	expect frontend-also-itself "Invalid argument" "other kinds include its own" &&
	expect frontend-also-unknown-kind "Invalid argument" "" &&
	expect frontend-loopback "Invalid argument" "a loopback address" &&
	expect frontend-link-local6 "Invalid argument" "a link-local address" &&
	expect endpoint-loopback6 "Invalid argument" "a loopback address" &&
	expect endpoint-link-local "Invalid argument" "a link-local address" &&
	expect flush-with-attribute "Invalid argument" "" &&
	expect tx-unknown-flag "Invalid argument" "" &&
	expect commit-without-begin "No such file or directory" "no transaction is open"
}
check "every malformed request is refused with its reason" all_refused
check "none of them was accepted" sh -c "! grep -q ': accepted' <<'EOT'
$out
EOT"
check "the tables did not change" test "$(table)" = "$before"

kst tx-abandon >/dev/null
check "an abandoned transaction leaves nothing" \
	sh -c "! ip netns exec '$node' '$KSVCCTL' get services -A | grep -q abandoned"
check "and does not block the next writer" \
	sh -c "{ cat; } | ip netns exec '$node' '$KSVCCTL' apply -f - --prune=false >/dev/null" <<EOF2
$(service after ip=10.96.6.2)
EOF2

# Another Service on web's cluster IP and port, applied without pruning:
# ksvcctl cannot see the conflict in its input; the kernel refuses it.
err=$(service thief ip=10.96.6.1 | apply --prune=false 2>&1)
rc=$?
diag "$err"
# (The reason names the frontend and its owner where the kernel formats
# extack messages, 6.2 on; ksvcctl names the Service it sent.)
check "a frontend of another Service is refused with the kernel's reason" \
	test $rc = 1 -a -n "$(grep -E '^ksvcctl: apply: service default/thief: ksvc: frontend (10\.96\.6\.1 port 80/TCP belongs to default/web|belongs to another service) \(File exists\)$' <<<"$err")"
check "and nothing changed" \
	test "$(table | grep -v '^default after ')" = "$before"

# Appends that fail leave the staged Service as it was (the limit is
# checked per append, not only at commit), and the commit adds it whole.
ksvc config --max-endpoints 3 >/dev/null
out=$(kst append-checks)
diag "$out"
ksvc config --max-endpoints 16777216 >/dev/null
appends_refused() {
	expect stage accepted "" &&
	expect append-bad-endpoint "Invalid argument" "port the service does not have" &&
	expect append-other-attribute "Invalid argument" "append carries endpoints only" &&
	expect append-over-limit "No space left on device" "too many endpoints" &&
	expect commit accepted ""
}
check "failed appends are refused with their reasons" appends_refused
check "and the committed Service has only what was staged before them" \
	test "$(ksvc get endpoints -n default | grep '^app ' | tr -s ' ')" = "app 10.244.0.99:80"
# A writer stopped half-way blocks others only until its transaction has
# been idle for tx_idle_timeout seconds; then the next writer drops it
# and the stopped one's commit finds no transaction.
T=/sys/module/ksvc/parameters/tx_idle_timeout
dir=$(mktemp -d)
at_exit "rm -rf $dir; echo 60 > $T"
mkfifo "$dir/hold"
kst tx-hold < "$dir/hold" > "$dir/held" &
hold_pid=$!
exec 7> "$dir/hold"
for _ in $(seq 50); do grep -q '^staged' "$dir/held" && break; sleep 0.1; done
one() { service "$1" ip="$2" | apply --prune=false 2>&1; }
out=$(one other1 10.96.6.3)
check "a stopped writer's open transaction holds the next writer off" \
	grep -q "another process has a transaction open" <<<"$out"
echo 1 > $T
sleep 2
out=$(one other2 10.96.6.4)
diag "$out"
check "once idle for tx_idle_timeout, the next writer drops it" \
	sh -c "ip netns exec '$node' '$KSVCCTL' get services -n default | grep -q '^other2 '"
echo go >&7
exec 7>&-
wait $hold_pid
diag "$(cat "$dir/held")"
check "and the stopped writer's commit finds no transaction" \
	sh -c "grep -q '^commit: No such file or directory: .*no transaction is open' '$dir/held' &&
		! ip netns exec '$node' '$KSVCCTL' get services -n default | grep -q '^held '"
ksft_exit
