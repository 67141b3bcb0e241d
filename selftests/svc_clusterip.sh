#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A ClusterIP Service: every ready endpoint answers, roughly evenly, over a
# few hundred connections from a client pod; the pod sees the client pod's
# own address (no masquerade); the counters add up.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 4
{
	service web ip=10.96.0.10 ep="$(pod_ip 1)" ep="$(pod_ip 2)" ep="$(pod_ip 3)"
} | apply >/dev/null || bail "apply"

N=300
out=$(tcp_many "$pod4" 10.96.0.10 80 $N)
for i in 1 2 3; do
	c[$i]=$(count "pod$i" <<<"$out")
done
diag "answers: pod1=${c[1]} pod2=${c[2]} pod3=${c[3]} of $N"
grep FAIL <<<"$out" | while read -r l; do diag "$l"; done
check "all $N connections answered" test "$(grep -c -v '^pod[123] ' <<<"$out")" = 0
# Uniform choice: each gets 100 on average; 50 is > 7 standard deviations
# away, so this fails only if the choice is not uniform.
check "every endpoint answered at least 50 times" \
	test "${c[1]}" -ge 50 -a "${c[2]}" -ge 50 -a "${c[3]}" -ge 50
check "the pod outside the service never answered" test "$(count pod4 <<<"$out")" = 0
check "the endpoints saw the client pod's address $(pod_ip 4)" \
	test "$(grep -c " $(pod_ip 4)$" <<<"$out")" = $N
check "per-endpoint counters add up to $N" test "$(svc_conns web)" = $N
ksft_exit
