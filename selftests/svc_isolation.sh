#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tables are per network namespace: a Service in one does not route in
# another.  Without CAP_NET_ADMIN every change is refused with a
# permission error (exit 4) and changes nothing; reads are allowed.
. "$(dirname "$0")/lib.sh"
require socat setpriv
require_module

ktap_header 6
setup_node
pods 1
{ clusterip_svc web 10.96.4.1; slice web-1 web "$(pod_ip 1)"; } | apply >/dev/null ||
	fail apply

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
check "reads are allowed without privilege" sh -c "ip netns exec '$node' setpriv --reuid=65534 --regid=65534 --clear-groups '$KSVCCTL' get services | grep -q '^ *web '"
ksft_exit
