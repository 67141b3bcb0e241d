#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Allocation failure, systematically: for each kind of request ksvcctl
# makes (incremental apply, whole-table replace, a Service split across
# messages, delete, flush, config, dumps), the 1st, 2nd, 3rd ...
# allocation made under ksvc's code fails in turn (failslab with fail-nth,
# confined to the module's text by the stack-trace filter), until one run
# reaches no further allocation.  KSVC_FAILSLAB_STEP=1 takes every one
# (make stress); by default every tenth.  Each failed run must end in an
# error to the caller, with the tables exactly as before and still routing;
# a run that absorbs the failure (kvmalloc falling back to vmalloc, a dump
# retried) must leave exactly the new state.  The same for a change the
# endpoint limit refuses, and for pairs of faults in one request: the
# first by fail-nth, the second by failslab's own attributes after a
# seeded number of bytes, so that it lands on the way out of the first
# (KSVC_FAILSLAB_PAIRS per kind of request, 2 by default; make stress
# takes more).  The VM runner's kmemleak scan after the suite finds
# anything leaked on the error paths.
# Needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_STACKTRACE_FILTER (the
# debug kernel); skipped elsewhere.
. "$(dirname "$0")/lib.sh"
require socat
require_module

FS=/sys/kernel/debug/failslab
[ -d $FS ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -w $FS/require-start ] && [ -e /proc/self/fail-nth ] ||
	ksft_skip "no failslab with a stack-trace filter in this kernel"
MAX_N=${KSVC_FAILSLAB_MAX:-400}
# Fault pairs per kind of request (make stress takes more), from SEED.
PAIRS=${KSVC_FAILSLAB_PAIRS:-2}
SEED=${KSVC_FAILSLAB_SEED:-15}
# Every STEP-th allocation (1, 1 + STEP, ...): make check takes every 10th
# (about 45 faults, 4 minutes on the debug kernel), make stress every one.
STEP=${KSVC_FAILSLAB_STEP:-10}

ktap_header

# Faults only for allocations with ksvc's code on the stack, each one
# counted by fail-nth and nothing else (probability 0), quietly.
text=$(cat /sys/module/ksvc/sections/.text)
size=$(cat /sys/module/ksvc/coresize)
echo "$text" > $FS/require-start	# hex, taken as such (kstrtoull base 0)
printf '0x%x\n' $((text + size)) > $FS/require-end
echo 32 > $FS/stacktrace-depth
echo N > $FS/ignore-gfp-wait
echo 0 > $FS/probability
echo 0 > $FS/verbose
# The second fault of a pair: only tasks marked make-it-fail (kstool's).
echo Y > $FS/task-filter
echo 1 > $FS/interval
at_exit "echo 0 > $FS/probability; echo N > $FS/task-filter; echo 0 > $FS/space; echo 0 > $FS/require-start; echo 0xffffffffffffffff > $FS/require-end; echo Y > $FS/ignore-gfp-wait"

setup_node
pods 3
add_pod cpod "$(pod_ip 9)"

dir=$(mktemp -d)
at_exit "rm -rf $dir"
lb() {	# LoadBalancer, ETP Local, affinity, source ranges, a node port
	service lb ip=10.96.30.2 type=LoadBalancer etp=Local affinity=10800 \
		range=192.168.50.0/24 range=10.244.0.0/16 port=http,80@30080 \
		lb=203.0.113.7 ep="$(pod_ip 3)"
}
{
	service web ip=10.96.30.1 ep="$(pod_ip 1)" ep="$(pod_ip 2)"
	service gone ip=10.96.30.3 ep="$(pod_ip 3)"
	lb
} > "$dir/base.yaml"
# The next state: web's endpoints change, gone goes, new comes.
{
	service web ip=10.96.30.1 ep="$(pod_ip 2)" ep="$(pod_ip 3)"
	lb
	service new ip=10.96.30.4 ep="$(pod_ip 1)"
} > "$dir/next.yaml"
# A Service too large for one message (appended to within the transaction).
{
	# shellcheck disable=SC2046
	service big ip=10.96.30.9 port=80 $(for i in $(seq 1200); do
		printf 'ep=10.245.%d.%d ' $((i / 250)) $((i % 250 + 1)); done)
} > "$dir/big.yaml"

state() {
	ksvc get services -A -o yaml
	ksvc config
}
NO_LIMIT=16777216
BASE_EPS=$NO_LIMIT
base() {
	ksvc apply --replace -f "$dir/base.yaml" >/dev/null &&
		ksvc config --max-services 65536 --max-endpoints "$BASE_EPS" \
			--drop-invalid yes >/dev/null
}
base || bail "base apply"
before=$(state)
# The tables route: one TCP connection to web, answered by its endpoints.
routes() { grep -q '^pod[12] ' <<<"$(ask "$cpod" tcp 10.96.30.1 80 2>/dev/null)"; }
check "the base table routes" routes

# changed EXPECTED MESSAGE: the state is EXPECTED, or a failure with
# MESSAGE and how the state differs.
changed() {
	local now
	now=$(state)
	[ "$now" = "$1" ] && return 0
	fail "$2"
	diff -u <(echo "$1") <(echo "$now") | sed -n '3,40s/^/#   /p'
	return 1
}

# rebase NAME: the base tables again, if a run left others.
rebase() {
	[ "$(state)" = "$before" ] || base || { fail "$1: base"; return 1; }
}

# judge NAME LABEL RC OUT: a run that met a fault either ended in an error
# to the caller with the tables as before ($before, still routing), or
# absorbed it and left exactly the new state ($after).  Counts in
# refused/absorbed/bad; restores the base when needed.
judge() {
	local name=$1 label=$2 rc=$3 out=$4
	if [ "$rc" = 0 ]; then
		absorbed=$((absorbed + 1))
		changed "$after" "$name: $label absorbed but the state is not the new one" ||
			bad=$((bad + 1))
	elif grep -q 'applied, but' <<<"$out"; then
		# The change took and ksvcctl says so (a read after it failed).
		refused=$((refused + 1))
		changed "$after" "$name: $label: '$out' but the state is not the new one" ||
			bad=$((bad + 1))
	else
		refused=$((refused + 1))
		[ $refused = 1 ] && diag "$name: $label: exit $rc: $(head -1 <<<"$out")"
		if ! changed "$before" "$name: $label: exit $rc but the tables changed: $out"; then
			bad=$((bad + 1))
		elif [ -z "$out" ]; then
			fail "$name: $label: exit $rc without a message"
			bad=$((bad + 1))
		elif ! routes; then
			fail "$name: $label: the old table does not route"
			bad=$((bad + 1))
		fi
	fi
	rebase "$name"
}

# unfaulted NAME LABEL RC OUT: a run that met no fault ended as one
# without faults does: refused if EXPECT_REFUSAL, else the new state.
unfaulted() {
	local name=$1 label=$2 rc=$3 out=$4
	if [ -n "${EXPECT_REFUSAL:-}" ]; then
		[ "$rc" != 0 ] || { fail "$name: $label (not reached): not refused"; bad=$((bad + 1)); }
	elif [ "$rc" != 0 ]; then
		fail "$name: $label (not reached): exit $rc: $out"
		bad=$((bad + 1))
	fi
	changed "$after" "$name: $label (not reached): not the state of a run without faults" ||
		bad=$((bad + 1))
	rebase "$name"
}

# run_nth N KSVCCTL-ARGS...: ksvcctl with its Nth ksvc allocation failing;
# sets rc, out and reached ("injected" or "not reached").
run_nth() {
	local n=$1
	shift
	out=$(ip netns exec "$node" "$KSTOOL" fail-nth "$n" "$KSVCCTL" "$@" 2>&1 >/dev/null)
	rc=$?
	reached=$(sed -n 's/^fail-nth: //p' <<<"$out" | tail -1)
	out=$(grep -v '^fail-nth: ' <<<"$out")
}

# sweep NAME KSVCCTL-ARGS...: run the request with its 1st, 2nd ... ksvc
# allocation failing, until a run reaches none.  Sets LAST_N to the number
# of allocations the request makes (about: every STEP-th is tried).
sweep() {
	local name=$1 n rc out reached injected=0 refused=0 absorbed=0 bad=0
	shift
	LAST_N=$MAX_N
	# What a run without faults leaves, from the base table.
	base || { fail "$name: base"; return 1; }
	ksvc "$@" >/dev/null 2>&1 || { fail "$name: without faults: exit $?"; return 1; }
	after=$(state)
	base || { fail "$name: base"; return 1; }
	[ "$(state)" = "$before" ] || { fail "$name: base not restored"; return 1; }
	for ((n = 1; n <= MAX_N; n += STEP)); do
		run_nth "$n" "$@"
		if [ "$reached" = "not reached" ]; then
			if [ $rc != 0 ] || [ "$(state)" != "$after" ]; then
				fail "$name: run $n (no fault) exit $rc: $out"
				bad=$((bad + 1))
			fi
			break
		fi
		[ "$reached" = injected ] || { fail "$name: run $n: $out"; return 1; }
		injected=$((injected + 1))
		judge "$name" "fault $n" "$rc" "$out" || return 1
	done
	diag "$name: $injected faults injected: $refused refused cleanly, $absorbed absorbed, $bad wrong"
	FAULTS=$((FAULTS + injected))
	LAST_N=$n
	[ "$n" -le "$MAX_N" ] || { fail "$name: still allocating after $MAX_N faults"; return 1; }
	[ $bad = 0 ] && [ $injected -gt 0 ]
}

# pairs NAME N KSVCCTL-ARGS...: two faults in one request: the first at a
# position from 1 to N (fail-nth), the second in whatever ksvc allocates
# after it, on the way back out or further on (failslab's own attributes,
# for this task only: "space" bytes of allocations pass first, then one
# fails).  PAIRS pairs from a fixed seed, so a failure can be replayed.
pairs() {
	local name=$1 max=$2 p n1 sp rc out reached second
	local injected=0 refused=0 absorbed=0 bad=0 twice=0
	shift 2
	if [ -n "${EXPECT_REFUSAL:-}" ]; then
		after=$before	# refused either way
	else
		base || { fail "$name: base"; return 1; }
		ksvc "$@" >/dev/null 2>&1 || { fail "$name: without faults: exit $?"; return 1; }
		after=$(state)
		base || { fail "$name: base"; return 1; }
	fi
	RANDOM=$SEED
	for ((p = 0; p < PAIRS; p++)); do
		n1=$((RANDOM % max + 1))
		sp=$(( (RANDOM % 8 == 0) ? 0 : (RANDOM % 64) * 64 ))
		echo "$sp" > $FS/space
		echo 1 > $FS/times
		echo 100 > $FS/probability
		KSTOOL_MAKE_IT_FAIL=1 run_nth "$n1" "$@"
		echo 0 > $FS/probability
		second=$(cat $FS/times)
		if [ "$reached" != injected ]; then
			# The request made fewer allocations than N1 (the
			# sweep's count is every STEP-th): no fault at all, as
			# fail-nth holds the second back; it must end as a run
			# without faults does, and the base comes back.
			unfaulted "$name" "faults $n1 and +${sp}B" "$rc" "$out" ||
				return 1
			continue
		fi
		injected=$((injected + 1))
		[ "$second" = 0 ] && twice=$((twice + 1))
		judge "$name" "faults $n1 and +${sp}B" "$rc" "$out" || return 1
	done
	diag "$name: $PAIRS pairs (seed $SEED): $injected with a first fault, $twice with both, $refused refused cleanly, $absorbed absorbed, $bad wrong"
	FAULTS=$((FAULTS + injected + twice))
	TWICE=$((TWICE + twice))
	[ $bad = 0 ] && [ $injected -gt 0 ]
}

# A change the endpoint limit refuses (web grows by one endpoint over a
# limit set to the base table's four): refused with and without faults,
# the tables as before.  The refusal once ran a rollback that could fail.
{
	service web ip=10.96.30.1 ep="$(pod_ip 1)" ep="$(pod_ip 2)" ep="$(pod_ip 3)"
} > "$dir/grow.yaml"
limit_on() { BASE_EPS=4; base && before=$(state) && after=$before; }
limit_off() { BASE_EPS=$NO_LIMIT; base && before=$(state); }
limited() {
	local n rc out reached injected=0 refused=0 absorbed=0 bad=0
	limit_on || { fail "limit: setup"; return 1; }
	out=$(ksvc apply -f "$dir/grow.yaml" 2>&1)
	rc=$?
	{ [ $rc != 0 ] && grep -q "too many endpoints" <<<"$out"; } ||
		{ fail "limit: without faults: exit $rc: $out"; limit_off; return 1; }
	for ((n = 1; n <= MAX_N; n += STEP)); do
		run_nth "$n" apply -f "$dir/grow.yaml"
		[ "$reached" = injected ] || break
		injected=$((injected + 1))
		judge limit "fault $n" "$rc" "$out" || break
	done
	diag "limit: $injected faults injected: $refused refused cleanly, $absorbed absorbed, $bad wrong"
	FAULTS=$((FAULTS + injected))
	LIMIT_N=$n
	limit_off
	[ $bad = 0 ] && [ $absorbed = 0 ] && [ $injected -gt 0 ]
}
limited_pairs() {
	local r
	limit_on || { fail "limit: setup"; return 1; }
	EXPECT_REFUSAL=1 pairs limit2 "$LIMIT_N" apply -f "$dir/grow.yaml"
	r=$?
	limit_off
	return $r
}

# KSVC_FAILSLAB_KINDS="big big2 ...": only these (to replay a failure; a
# kind of pairs takes its count from its sweep: name both).
KINDS=${KSVC_FAILSLAB_KINDS:-}
want() { [ -z "$KINDS" ] || [[ " $KINDS " == *" $1 "* ]]; }

FAULTS=0
TWICE=0
LAST_N=$MAX_N
LIMIT_N=$MAX_N
want apply && check "incremental apply" sweep apply apply -f "$dir/next.yaml"
n_apply=$LAST_N
want replace && check "whole-table replace" sweep replace apply --replace -f "$dir/next.yaml"
n_replace=$LAST_N
want big && check "a Service split across messages" sweep big apply --prune=false -f "$dir/big.yaml"
n_big=$LAST_N
want delete && check "delete" sweep delete delete service gone
want flush && check "flush" sweep flush flush
want config && check "config" sweep config config --max-services 1000 --drop-invalid no
want dump && check "dump of services and endpoints" sweep dump get endpoints -A -o wide
want limit && check "a change the endpoint limit refuses" limited
pairs_start=$SECONDS
want apply2 && check "two faults: incremental apply" pairs apply2 "$n_apply" apply -f "$dir/next.yaml"
want replace2 && check "two faults: whole-table replace" pairs replace2 "$n_replace" apply --replace -f "$dir/next.yaml"
want big2 && check "two faults: a Service split across messages" pairs big2 "$n_big" apply --prune=false -f "$dir/big.yaml"
want limit2 && check "two faults: a change the endpoint limit refuses" limited_pairs
# The second fault must have landed somewhere (a refused request may
# allocate nothing after its first fault, an absorbed one does).
[ -n "$KINDS" ] || check "some pairs met both faults" test "$TWICE" -gt 0
diag "two faults: $((4 * PAIRS)) pairs in $((SECONDS - pairs_start)) s"
diag "$FAULTS faults injected in all"
check "the base table still routes" routes
ksft_exit
