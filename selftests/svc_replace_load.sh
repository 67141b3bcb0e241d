#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Whole-table replace under continuous traffic: while clients keep opening
# connections to a Service present before and after, the table is replaced
# again and again (other Services come and go, endpoints change); not one
# connection fails.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header 3
setup_node
pods 3
add_pod client "$(pod_ip 9)"

table() {	# table K: the stable Service plus K other ones
	local k
	clusterip_svc stable 10.96.2.1
	slice stable-1 stable "$(pod_ip 1)" "$(pod_ip $((2 + $1 % 2)))"
	for k in $(seq "$1"); do
		clusterip_svc "other-$k" "10.96.3.$k"
		slice "other-$k-1" "other-$k" "$(pod_ip 3)"
	done
}
table 0 | apply --replace >/dev/null || fail apply

tcp_many "$client" 10.96.2.1 80 150 > /tmp/replace-load.$$ &
load=$!
replaces=0 failed=0
while kill -0 $load 2>/dev/null; do
	if table $((replaces % 7)) | apply --replace >/dev/null; then
		replaces=$((replaces + 1))
	else
		failed=$((failed + 1))
	fi
done
out=$(cat /tmp/replace-load.$$)
rm -f /tmp/replace-load.$$
diag "$replaces replaces during $(wc -l <<<"$out") connections; answers: $(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';')"
check "the table was replaced at least 10 times under load" test "$replaces" -ge 10
check "every replace was applied" test "$failed" = 0
check "no connection to the stable Service failed" \
	test "$(grep -c '^pod[123] ' <<<"$out")" = 150
ksft_exit
