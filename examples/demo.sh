#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, run inside the VM by `make demo`.
set -eu
cd "$(dirname "$0")/.."
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say "uname -r"; uname -r
say "lsmod | grep ksvc"; lsmod | grep -E '^(ksvc|nf_nat|nf_conntrack) '
say "ksvcctl version"; ctl/ksvcctl version
