#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The man page against ksvcctl's own option tables (ksvcctl __complete):
# every command has a synopsis line and a description, and every option
# of a command is in its synopsis (by its short form where it has one).
# The usage text and the bash completion are made from the same tables,
# so they cannot drift; the man page is written by hand, hence this test.
cd "$(dirname "$0")/.." || exit 1
man=ksvcctl.8
n=0 failed=0
echo "TAP version 13"
ok() {
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "#   missing: $2"
		failed=$((failed + 1))
	fi
}

# roff: "\-" is "-"; font changes go.
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$man")
synopsis=$(awk '/^\.SH SYNOPSIS/ { on = 1; next } /^\.SH/ { on = 0 } on' <<<"$text")
for cmd in $(./ksvcctl __complete); do
	block=$(awk -v c="$cmd" '
		$0 ~ "^\\.B ksvcctl " c "( |$)" { on = 1; print; next }
		/^\.br/ { on = 0 } on' <<<"$synopsis")
	ok "man: $cmd has a synopsis" "$([ -n "$block" ] || echo ".B ksvcctl $cmd")"
	missing=
	prev=
	while read -r o; do
		[ "$o" = --help ] && continue
		case $o in
		--*)	# shown by its short form when it has one
			if [ -n "$prev" ]; then
				grep -q -- "$prev\\b" <<<"$block" || missing+=" $prev ($o)"
			else
				grep -q -- "$o\\b" <<<"$block" || missing+=" $o"
			fi
			prev= ;;
		-?) prev=$o ;;
		esac
	done < <(./ksvcctl __complete "$cmd")
	ok "man: the synopsis of $cmd shows every option" "$missing"
	desc=$(awk '/^\.SH COMMANDS/ { on = 1; next } /^\.SH/ { on = 0 } on' <<<"$text" |
		grep -E "^\\.B $cmd( |$)")
	ok "man: $cmd is described under COMMANDS" "$([ -n "$desc" ] || echo ".B $cmd")"
	./ksvcctl help "$cmd" | grep -q "^Usage: ksvcctl $cmd"
	ok "help $cmd prints its usage" "$([ $? = 0 ] || echo usage)"
done
# The exit statuses: the same codes in the man page as in ksvcctl help,
# and 4 says that reads need the capability too.
codes_help=$(./ksvcctl help | sed -n '/^Exit status:/,$p' | grep -o '[0-9] [a-z]' | cut -c1 | xargs)
exit_status=$(awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH/ { on = 0 } on' <<<"$text")
codes_man=$(grep -o '^\.B [0-9]$' <<<"$exit_status" | cut -c4 | xargs)
ok "man: EXIT STATUS lists the codes of ksvcctl help ($codes_help)" \
	"$([ -n "$codes_help" ] && [ "$codes_help" = "$codes_man" ] || echo "man: $codes_man")"
ok "man: exit 4 covers reads as well as changes" \
	"$(awk '/^\.B 4$/ { on = 1; next } /^\.(TP|SH)/ { on = 0 } on' <<<"$exit_status" |
		tr '\n' ' ' | grep -q 'reading or changing.*CAP_NET_ADMIN' || echo '4: reading or changing ... CAP_NET_ADMIN')"
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
