#!/bin/bash
# sample-profile.sh - etc/imscheck.conf, the commented sample, is a valid
# profile for every plugin: none of them finds an error in it.  (Its
# addresses are documentation ranges: in the test's own network namespace
# every connection fails at once, which is fine: only the profile counts.)
set -u
for plugin in plugins/check_*; do
	case $plugin in *.c | *.o | *.d) continue ;; esac
	out=$("$plugin" -C etc/imscheck.conf -t 1 2>&1 | head -n 1)
	if grep -q 'imscheck\.conf:[0-9]*:' <<<"$out"; then
		echo "FAIL profile/sample-$(basename "$plugin"): $out"
	else
		echo "PASS profile/sample-$(basename "$plugin")"
	fi
done

# ... and for the agent, which reads its own section.
if out=$(agent/imscheck-agent -t -C etc/imscheck.conf 2>&1) &&
	grep -q 'is good: 1 scheduled check, spool (none)$' <<<"$out"; then
	echo "PASS profile/sample-imscheck-agent"
else
	echo "FAIL profile/sample-imscheck-agent: $out"
fi
