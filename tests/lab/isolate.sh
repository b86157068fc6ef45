# tests/lab/isolate.sh - sourced by tests/run and tests/demo.
#
# lab_isolate "$0" "$@": re-run the calling script, as root, in network and
# mount namespaces of its own.  Its loopback is private, so the lab's fixed
# addresses never clash with another lab and no packet leaves the machine;
# its mounts vanish with it.
#
# lab_reachable DIR: print a path to DIR that the lab's daemons (Postfix,
# Dovecot: unprivileged users) can walk.  A checkout under /root or a
# mktemp folder has parents closed to them; then DIR is bind-mounted on
# /mnt, in our own mount namespace only.

lab_isolate() {
	local script=$1
	shift
	[ -z "${IMSCHECK_ISOLATED:-}" ] || return 0
	[ "$(id -u)" -eq 0 ] || return 0
	unshare --net --mount true 2>/dev/null || return 0
	export IMSCHECK_ISOLATED=1
	exec unshare --net --mount -- bash -c \
		'ip link set lo up && exec "$0" "$@"' "$script" "$@"
}

lab_reachable() {
	local dir=$1
	if ! id postfix >/dev/null 2>&1 ||
		runuser -u postfix -- test -x "$dir/." 2>/dev/null; then
		echo "$dir"
		return 0
	fi
	if [ -n "${IMSCHECK_ISOLATED:-}" ] && mount --bind "$dir" /mnt; then
		echo /mnt
		return 0
	fi
	echo "$dir" # mail-lab will say what is wrong
}
