#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tables are per network namespace: a Service in one does not route in
# another.  Without CAP_NET_ADMIN over the namespace every change and
# every read of the tables (get, stats, config, diff) is refused with a
# permission error (exit 4) that says so, shows nothing and changes
# nothing; only version is open.  Root of a user namespace reads and
# changes the tables of the network namespace it owns, and no other's.
. "$(dirname "$0")/lib.sh"
require socat setpriv unshare
require_module

ktap_header
setup_node
pods 1
svcs() { service web ip=10.96.4.1 ep="$(pod_ip 1)"; }
svcs | apply >/dev/null || bail apply

# A second "node" namespace with the same pod route but no Service.
new_ns other
check "another namespace's tables are empty" \
	test -z "$(ip netns exec "$other" "$KSVCCTL" get services -A --no-headers)"
check "the Service answers in its own namespace" \
	grep -q '^pod1 ' <<<"$(ask "$node" tcp 10.96.4.1 80)"

unpriv() { ip netns exec "$node" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all "$KSVCCTL" "$@"; }
before=$(ksvc get services -A -o wide)
unpriv flush >/dev/null 2>&1
check "flush without CAP_NET_ADMIN: exit 4 (permission)" test $? = 4
echo '{"apiVersion":"v1","kind":"Service","metadata":{"name":"x","namespace":"default"},"spec":{"clusterIP":"10.96.4.9","ports":[{"port":80}]}}' |
	unpriv apply -f - --prune=false > /tmp/unpriv.$$ 2>&1
rc=$?
diag "$(cat /tmp/unpriv.$$)"
rm -f /tmp/unpriv.$$
check "apply without CAP_NET_ADMIN: exit 4 (permission)" test $rc = 4
check "nothing changed" test "$(ksvc get services -A -o wide)" = "$before"

# refused CMD...: as nobody, CMD exits 4 with one line that says why, and
# prints nothing of the tables (no pod address, no Service name).
refused() {
	local out err rc
	err=$(unpriv "$@" 2>&1 >/tmp/unpriv-out.$$ </tmp/unpriv-in.$$)
	rc=$?
	out=$(cat /tmp/unpriv-out.$$)
	diag "ksvcctl $*: exit $rc: $err"
	[ $rc = 4 ] || return 1
	grep -q "^ksvcctl: [a-z :]*: permission denied: reading or changing ksvc's tables needs CAP_NET_ADMIN over the network namespace$" <<<"$err" ||
		return 1
	! grep -q "$(pod_ip 1)\|web" <<<"$out"
}
svcs > /tmp/unpriv-in.$$
at_exit rm -f /tmp/unpriv-in.$$ /tmp/unpriv-out.$$
check "get services without CAP_NET_ADMIN: exit 4, says why, shows nothing" refused get services -A
check "get endpoints without CAP_NET_ADMIN: exit 4, says why, shows nothing" refused get endpoints -A -o wide
check "stats without CAP_NET_ADMIN: exit 4, says why, shows nothing" refused stats
check "config without CAP_NET_ADMIN: exit 4, says why, shows nothing" refused config
check "diff without CAP_NET_ADMIN: exit 4, says why, shows nothing" refused diff -f -
check "version without CAP_NET_ADMIN: versions and counts" \
	sh -c "ip netns exec '$node' setpriv --reuid=65534 --regid=65534 --clear-groups '$KSVCCTL' version | grep -q '^1 services, [0-9]* endpoints'"
check "root in the namespace reads the endpoints" \
	grep -q "$(pod_ip 1)" <<<"$(ksvc get endpoints -A)"

# Root of a user namespace that does not own the node's network namespace.
out=$(ip netns exec "$node" unshare -U -r "$KSVCCTL" get services -A 2>&1)
rc=$?
diag "root of another user namespace: exit $rc: $out"
check "root of a user namespace not owning the namespace: get refused (exit 4)" \
	test $rc = 4 -a -z "$(grep web <<<"$out")"
# Root of the user namespace that owns a new network namespace: its own
# tables, and only them.
out=$(service mine ip=10.96.4.7 | unshare -U -r -n sh -c "ip link set lo up
	'$KSVCCTL' apply -f - >/dev/null && '$KSVCCTL' get services -A --no-headers &&
	'$KSVCCTL' stats && '$KSVCCTL' config >/dev/null" 2>&1)
rc=$?
diag "owner: exit $rc: $out"
check "root of the user namespace owning a network namespace reads its tables, only them" \
	test $rc = 0 -a -n "$(awk '$2 == "mine"' <<<"$out")" -a -z "$(grep web <<<"$out")"
ksft_exit
