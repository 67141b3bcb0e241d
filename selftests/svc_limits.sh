#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Limits per network namespace: past the configured number of services or
# endpoints, a clear error and the tables as they were (still routing).
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 1
gen() {	# gen N: N services with one endpoint each
	local i
	for i in $(seq "$1"); do
		service "s$i" ip="10.96.17.$i" ep="$(pod_ip 1)"
	done
}
ksvc config --max-services 3 --max-endpoints 100 >/dev/null
gen 2 | apply >/dev/null || bail apply
before=$(ksvc get services -o wide --no-headers)
err=$(gen 5 | apply 2>&1)
rc=$?
diag "$err"
check "past the service limit: refused" test $rc = 1
# (The limit itself where the kernel formats extack messages, 6.2 on.)
check "with a clear message" grep -Eq "ksvc: too many services(: limit 3)? \(ksvcctl config --max-services\)" <<<"$err"
check "the tables are as they were" test "$(ksvc get services -o wide --no-headers)" = "$before"
routes() {
	local out
	out=$(ask "$pod1" tcp 10.96.17.1 80 2>&1)
	diag "after the refusal: $out"
	grep -q "^pod1 " <<<"$out"
}
check "and still route" routes
ksvc config --max-services 100 --max-endpoints 3 >/dev/null
err=$(gen 5 | apply 2>&1)
diag "$err"
check "past the endpoint limit: refused with a clear message" \
	grep -Eq "ksvc: too many endpoints(: limit 3)? \(ksvcctl config --max-endpoints\)" <<<"$err"
ksft_exit
