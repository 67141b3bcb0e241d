#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink fuzzer (ksvc_fuzz.c): several threads of random and broken
# messages, transactions opened and abandoned, dumps read while others
# write, and an unprivileged user whose every change and read is refused
# (but the versions and counts); then a single-threaded run whose
# accepted messages must be exactly what a dump shows; then refusals from
# threads in namespaces of their own, each of which must carry its own
# request's message (-e); then the module unloads.  KSVC_FUZZ_SECONDS
# sets the budget (make check: 45 s per kernel, make stress 20 min);
# KSVC_FUZZ_MESSAGES a message count instead; KSVC_FUZZ_EXTACK the -e run's
# message count (make check: 5 s).  Splats and leaks fail the run through
# the VM runner.
. "$(dirname "$0")/lib.sh"
require_module
FUZZ=$TOP/selftests/ksvc_fuzz
[ -x "$FUZZ" ] || ksft_skip "ksvc_fuzz not built"

ktap_header
new_ns fz
budget="-s ${KSVC_FUZZ_SECONDS:-45}"
[ -n "${KSVC_FUZZ_MESSAGES:-}" ] && budget="-n $KSVC_FUZZ_MESSAGES"
out=$(ip netns exec "$fz" "$FUZZ" -t 4 -u $budget 2>&1)
rc=$?
diag "$out"
check "fuzzing: no broken message accepted, every unprivileged change and read refused" test $rc = 0
out=$(ip netns exec "$fz" "$FUZZ" -c -s 10 2>&1)
rc=$?
diag "$out"
check "the table holds exactly what the accepted messages built" test $rc = 0
budget="-s 5"
[ -n "${KSVC_FUZZ_EXTACK:-}" ] && budget="-n $KSVC_FUZZ_EXTACK"
out=$(ip netns exec "$fz" "$FUZZ" -e -t 32 $budget 2>&1)
rc=$?
diag "$out"
check "32 namespaces at once: every refusal carries its own request's message" test $rc = 0
ip netns del "$fz"
check "the namespace with fuzzed tables goes away" sh -c "! ip netns list | grep -q '^$fz'"
check "the module unloads after fuzzing" sh -c 'modprobe -r ksvc && modprobe ksvc'
ksft_exit
