#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run ksvc's selftests (every selftests/*.sh but lib*.sh, or the ones named)
# and print KTAP.  Each test runs with the timeout from `settings`.  Exit 0
# when none failed.
set -u
cd "$(dirname "$0")" || exit 1
. ./settings
timeout=${KSVC_TEST_TIMEOUT:-$timeout}
tests=("$@")
if [ ${#tests[@]} = 0 ]; then
	for t in *.sh; do
		case $t in lib*.sh | run.sh) ;; *) tests+=("$t") ;; esac
	done
fi
echo "TAP version 13"
echo "1..${#tests[@]}"
n=0 failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	t=${t%.sh}
	start=$(date +%s)
	# settings may give a test its own: timeout_<test>=SECONDS.
	to=$timeout
	v=timeout_${t//[^A-Za-z0-9_]/_}	# k8s/controlplane: timeout_k8s_controlplane
	[ -z "${KSVC_TEST_TIMEOUT:-}" ] && [ -n "${!v:-}" ] && to=${!v}
	timeout -k 5 "${to:-300}" bash "./$t.sh" 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) echo "ok $n $t # ${secs}s" ;;
	4) echo "ok $n $t # SKIP" ;;
	124|137) echo "not ok $n $t # TIMEOUT ${to}s"; failed=$((failed + 1)) ;;
	*) echo "not ok $n $t # exit $rc"; failed=$((failed + 1)) ;;
	esac
	# A test must not leave the module or namespaces behind for the next.
	left=$(ip netns list 2>/dev/null | wc -l)
	if [ "$left" != 0 ]; then
		echo "# $t left network namespaces behind: $(ip netns list | tr '\n' ' ')"
		ip -all netns delete 2>/dev/null
	fi
	grep -q '^ksvc ' /proc/modules || modprobe ksvc
done
[ $failed = 0 ]
