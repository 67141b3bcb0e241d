#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ExternalName and headless Services are accepted and shown as DNS-only,
# and never routed.
. "$(dirname "$0")/lib.sh"
require_module

ktap_header
setup_node
pods 1
{
	service numbers-api type=ExternalName name=raw.githubusercontent.com
	service db port=5432 ep="$(pod_ip 1)"
} | apply >/dev/null || bail apply
out=$(ksvc get services)
diag "$out"
check "ExternalName shown as DNS-only with its name" \
	grep -Eq '^numbers-api +ExternalName +<none> +raw.githubusercontent.com +.*<dns only>' <<<"$out"
check "headless shown with cluster IP None, DNS-only" \
	grep -Eq '^db +ClusterIP +None +<none> +5432/TCP +<dns only>' <<<"$out"
check "neither has a frontend or an endpoint in the kernel" \
	test -z "$(ksvc get services -o wide | grep -- '->')"
ksft_exit
