#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel is the authority on the rules it keeps (uapi/linux/ksvc.h
# writes each beside its attribute): ksvcctl checks them too, for a
# message with file:line:column, but the kernel must refuse what they
# refuse without ksvcctl's help.  Every manifest of ctl/corpus (each one
# ksvcctl refuses) is parsed by ctl's parser without those rules; where
# that still gives Services, they go straight to the kernel (kstool, over
# ctl's netlink library) and must be refused, each for its rule.
. "$(dirname "$0")/lib.sh"
require_module

ktap_header
setup_node
corpus=$TOP/ctl/corpus

err=$(mktemp)
at_exit "rm -f $err"
out=$(ip netns exec "$node" "$KSTOOL" corpus "$corpus"/*.yaml "$corpus"/*.json 2>"$err")
diag "$(grep -v ': no model$' <<<"$out" | sed "s|$corpus/||")"
[ -s "$err" ] && diag "kstool: $(cat "$err")"
models=$(grep -c ': refused: \|: ACCEPTED' <<<"$out")
files=$(grep -c ': ' <<<"$out")
diag "$files refused manifests, $models with a model for the kernel to judge"
check "every manifest was judged, kstool said nothing else" \
	test "$files" = "$(ls "$corpus"/*.yaml "$corpus"/*.json | wc -l)" -a ! -s "$err"
check "the kernel's rules leave models to judge" test "$models" -ge 14
check "the kernel refuses every one" test "$(grep -c ': ACCEPTED$' <<<"$out")" = 0

# refused CASE MESSAGE-PART: the kernel refused CASE for its rule.
refused() { grep -q "^$corpus/$1\.yaml: refused: .*$2" <<<"$out"; }
check "a loopback cluster IP" refused rule-cluster-ip-loopback "a loopback address"
check "a link-local IPv6 cluster IP" refused rule-cluster-ip6-link-local "a link-local address"
check "a multicast external IP" refused rule-external-ip-multicast "not a unicast address"
check "a loopback load balancer address" refused rule-lb-ingress-loopback "a loopback address"
check "a link-local endpoint (EndpointSlice)" refused rule-endpoint-link-local "a link-local address"
check "a loopback endpoint (Endpoints)" refused rule-endpoints-loopback "a loopback address"
check "two ports of one number and protocol" refused rule-ports-same-number "same number and protocol"
check "one node port twice in a Service" refused rule-node-port-twice "same node port"
check "a Service name that is not a DNS label" refused name-uppercase "not a DNS label"
check "a namespace that is not a DNS label" refused rule-namespace-label "not a DNS label"
check "two Services on one cluster IP" refused conflict-cluster-ip "frontend .*belongs to"
check "two Services on one node port" refused conflict-node-port "node port .*belongs to"
check "an external IP on another Service's cluster IP and port" \
	refused rule-external-ip-on-cluster-ip "frontend .*belongs to"
check "the table is left empty" test "$(ksvc get services -A -H | wc -l)" = 0
ksft_exit
