#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module loads with its conntrack/NAT dependencies and unloads; doing it
# again and again leaves nothing behind: no module, no sysfs directory, the
# dependencies' reference counts back where they were.  Loaded with
# selftest=1 it runs its own tests of its pure functions (endpoint order,
# the usable set, round robin, CIDR matching, per-CPU counters) and says
# they passed; the debug kernel's runs load it so every time.
. "$(dirname "$0")/lib.sh"
require modprobe modinfo

ktap_header

# refcnts: "module=count" for every dependency of ksvc.
refcnts() {
	local d
	for d in $(modinfo -F depends ksvc | tr , ' '); do
		echo "$d=$(cat "/sys/module/$d/refcnt" 2>/dev/null || echo absent)"
	done
}
gone() { ! grep -q '^ksvc ' /proc/modules && ! [ -d /sys/module/ksvc ]; }

modprobe -r ksvc 2>/dev/null
check "unloaded at start" gone

loaded_ok() {
	modprobe ksvc || return 1
	grep -q '^ksvc ' /proc/modules || return 1
	local d
	for d in $(modinfo -F depends ksvc | tr , ' '); do
		grep -q "^$d " /proc/modules || fail "dependency $d not loaded" || return 1
	done
}
check "modprobe ksvc loads it and its dependencies ($(modinfo -F depends ksvc))" loaded_ok

before=$(refcnts)
diag "dependency reference counts: $(echo $before)"
cycle() {
	local i
	for i in $(seq 20); do
		modprobe -r ksvc || fail "unload $i" || return 1
		gone || fail "still there after unload $i" || return 1
		modprobe ksvc || fail "load $i" || return 1
		"$KSVCCTL" version >/dev/null || fail "version after load $i" || return 1
	done
}
check "20 unload/load cycles, the family answering after each load" cycle
check "dependency reference counts unchanged" test "$(refcnts)" = "$before"

modprobe -r ksvc
check "unload leaves no module and no sysfs directory" gone

passed() { dmesg | grep -c 'ksvc: self-tests passed'; }
self_tests() {
	local n
	n=$(passed)
	modprobe ksvc selftest=1 || return 1
	test "$(passed)" -gt "$n"
}
check "the module's self-tests pass at load (selftest=1)" self_tests
modprobe -r ksvc

# The family's alias lets the kernel load the module on first use.
autoload() {
	"$KSVCCTL" version >/dev/null && grep -q '^ksvc ' /proc/modules
}
check "ksvcctl loads the module through the family alias" autoload
ksft_exit
