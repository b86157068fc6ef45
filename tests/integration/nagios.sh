#!/bin/bash
# nagios.sh - a real Nagios 4 schedules every plugin against the lab, with
# contrib/nagios/imscheck-commands.cfg as it is shipped, and every service
# in its status file shows the state and status line that the same plugin,
# run here by hand with the arguments meant, gives.  Expected states cover
# OK, WARNING, CRITICAL and UNKNOWN, so that a wrong $ARGn$ mapping or an
# exit code read the wrong way shows up.
#
# Nagios runs from a private configuration under the lab's folder (its own
# status file, log, command file, query socket, lock and check results; no
# web UI, no notifications, no retention), as root (nagios_user=root: the
# lab's password files are root's, mode 600), in a UTS namespace whose host
# name is "mail", the mail host on which step 6 runs.  Every check is
# scheduled at start-up (inter-check delay "n"), each runs once
# (check_interval 60 minutes, max_check_attempts 1), and the test waits at
# most 60 s for status.dat to show them all checked.  Then Nagios stops,
# and each service's state, status line, perfdata and long output are
# compared with the plugin's own, numbers masked (times, days and counts
# differ between two runs) and the status line's semicolons read as
# colons (Nagios rewrites them).  One PASS or FAIL line for the start and
# one per service; nagios4 missing is a FAIL, never a skip.
set -u
# shellcheck source=/dev/null
. "$LABENV"
# shellcheck source=tests/lab/site-profile.sh
. tests/lab/site-profile.sh
dir=$(dirname "$LABENV")/nagios
top=$PWD
WAIT_SECONDS=60
rm -rf "$dir"
mkdir -p "$dir/checkresults"

nagios=$(command -v nagios4 || echo /usr/sbin/nagios4)
if [ ! -x "$nagios" ]; then
	echo "FAIL nagios/start: nagios4 is not installed (scripts/deps installs nagios4-core)"
	exit 0
fi

# The services: host, description, expected exit code, check_command as
# written in Nagios, and the same check as a plain command line.  The
# pop3 and route services use mailboxes of their own (user@...), so that
# their probes never meet check_ims's (probe@...) while Nagios runs them
# in parallel.
hosts=()
svc_host=() svc_desc=() svc_want=() svc_check=() svc_argv=()
# host NAME ADDRESS
host() {
	hosts+=("$1" "$2")
}
# service HOST DESCRIPTION EXIT CHECK_COMMAND -- PLUGIN ARGS...
service() {
	svc_host+=("$1")
	svc_desc+=("$2")
	svc_want+=("$3")
	svc_check+=("$4")
	shift 5
	svc_argv+=("$(printf '%q ' "$top/plugins/$1" "${@:2}")")
}

profile healthy
profile refused "$LAB_SMART_REFUSE_HOST"
cafile=$LAB_CA
pw_user=$LAB_POP3_USER_PASSWORD_FILE
pw_ext=$LAB_POP3_EXT_USER_PASSWORD_FILE
ok_resolv=$top/tests/integration/tcpip/ok.conf

host mail.lab.test "$LAB_SMTP_HOST"
host pop.lab.test "$LAB_POP3_HOST"
host relay.lab.test "$LAB_SMTP_OPENRELAY_HOST"
host mx1.good.policy.test 192.0.2.25

service mail.lab.test "IMS 1 DNS" 0 \
	"check_ims_dns!ok.lab.test!-a 192.0.2.25 -s $LAB_DNS1 -s $LAB_DNS2" -- \
	check_ims_dns -D ok.lab.test -a 192.0.2.25 -s "$LAB_DNS1" -s "$LAB_DNS2"
service mail.lab.test "IMS 1 DNS disagree" 1 \
	"check_ims_dns!disagree.lab.test!-s $LAB_DNS1 -s $LAB_DNS2" -- \
	check_ims_dns -D disagree.lab.test -s "$LAB_DNS1" -s "$LAB_DNS2"
service mail.lab.test "IMS 2 smarthost" 0 \
	"check_ims_smarthost!$LAB_SMART_HOST!lab.test!-p $LAB_SMART_PORT -S --ca-file $cafile --certificate-days 30,7 --dns $LAB_DNS1" -- \
	check_ims_smarthost -H "$LAB_SMART_HOST" -D lab.test -p "$LAB_SMART_PORT" \
	-S --ca-file "$cafile" --certificate-days 30,7 --dns "$LAB_DNS1"
service mail.lab.test "IMS 2 smarthost refusing" 2 \
	"check_ims_smarthost!$LAB_SMART_REFUSE_HOST!lab.test!-p $LAB_SMART_PORT" -- \
	check_ims_smarthost -H "$LAB_SMART_REFUSE_HOST" -D lab.test -p "$LAB_SMART_PORT"
service pop.lab.test "IMS 3 POP3" 0 \
	"check_ims_pop3!-p $LAB_POP3_PORT --stls --ca-file $cafile -u $LAB_POP3_USER --password-file $pw_user --smtp $LAB_SMTP --rcpt $LAB_POP3_USER --source $LAB_INSIDE --round-trip" -- \
	check_ims_pop3 -H "$LAB_POP3_HOST" -p "$LAB_POP3_PORT" --stls \
	--ca-file "$cafile" -u "$LAB_POP3_USER" --password-file "$pw_user" \
	--smtp "$LAB_SMTP" --rcpt "$LAB_POP3_USER" --source "$LAB_INSIDE" \
	--round-trip
service pop.lab.test "IMS 3 POP3 no password" 3 \
	"check_ims_pop3!-p $LAB_POP3_PORT -u $LAB_POP3_USER" -- \
	check_ims_pop3 -H "$LAB_POP3_HOST" -p "$LAB_POP3_PORT" -u "$LAB_POP3_USER"
service mail.lab.test "IMS 4 outbound" 0 \
	"check_ims_outbound!lab.test!user@ext.test!-p $LAB_SMTP_PORT --source $LAB_INSIDE" -- \
	check_ims_outbound -H "$LAB_SMTP_HOST" -D lab.test -r user@ext.test \
	-p "$LAB_SMTP_PORT" --source "$LAB_INSIDE"
service mail.lab.test "IMS 4 relay test" 0 \
	"check_ims_outbound!lab.test!user@ext.test!-p $LAB_SMTP_PORT --source $LAB_OUTSIDE --relay-test" -- \
	check_ims_outbound -H "$LAB_SMTP_HOST" -D lab.test -r user@ext.test \
	-p "$LAB_SMTP_PORT" --source "$LAB_OUTSIDE" --relay-test
service relay.lab.test "IMS 4 relay test" 2 \
	"check_ims_outbound!lab.test!user@ext.test!-p $LAB_SMTP_OPENRELAY_PORT --source $LAB_OUTSIDE --relay-test" -- \
	check_ims_outbound -H "$LAB_SMTP_OPENRELAY_HOST" -D lab.test \
	-r user@ext.test -p "$LAB_SMTP_OPENRELAY_PORT" --source "$LAB_OUTSIDE" \
	--relay-test
service mail.lab.test "IMS 5 route" 0 \
	"check_ims_route!$LAB_POP3_EXT_USER!$LAB_POP3!$LAB_POP3_EXT_USER!-p $LAB_SMTP_PORT --source $LAB_INSIDE --stls --ca-file $cafile --password-file $pw_ext --via $LAB_SMART_NAME" -- \
	check_ims_route -H "$LAB_SMTP_HOST" -r "$LAB_POP3_EXT_USER" \
	--pop3 "$LAB_POP3" -u "$LAB_POP3_EXT_USER" -p "$LAB_SMTP_PORT" \
	--source "$LAB_INSIDE" --stls --ca-file "$cafile" --password-file "$pw_ext" \
	--via "$LAB_SMART_NAME"
service mail.lab.test "IMS 6 TCP/IP" 0 \
	"check_ims_tcpip!-n mail -D ok.lab.test -s 127.54.0.1 -s 127.54.0.2 -a 192.0.2.25 --resolv-conf $ok_resolv" -- \
	check_ims_tcpip -n mail -D ok.lab.test -s 127.54.0.1 -s 127.54.0.2 \
	-a 192.0.2.25 --resolv-conf "$ok_resolv"
service mail.lab.test "IMS 6 TCP/IP wrong name" 2 \
	"check_ims_tcpip!-n smtp -D ok.lab.test --resolv-conf $ok_resolv" -- \
	check_ims_tcpip -n smtp -D ok.lab.test --resolv-conf "$ok_resolv"
service mx1.good.policy.test "IMS 9 policy" 0 \
	"check_ims_policy!good.policy.test!smarthost.policy.test!-s $LAB_POLICY_DNS --ca-file $LAB_POLICY_CA --dkim-selector s2048" -- \
	check_ims_policy -D good.policy.test -a 192.0.2.25 \
	--smarthost smarthost.policy.test -s "$LAB_POLICY_DNS" \
	--ca-file "$LAB_POLICY_CA" --dkim-selector s2048
service mx1.good.policy.test "IMS 9 policy SPF fail" 2 \
	"check_ims_policy!spf-fail.policy.test!203.0.113.10!-s $LAB_POLICY_DNS --no-dmarc --no-mta-sts --no-tlsrpt" -- \
	check_ims_policy -D spf-fail.policy.test -a 192.0.2.25 \
	--smarthost 203.0.113.10 -s "$LAB_POLICY_DNS" --no-dmarc --no-mta-sts \
	--no-tlsrpt
service mx1.good.policy.test "IMS 10 DNSBL" 1 \
	"check_ims_dnsbl!203.0.113.10!-l bl-listed.test -l bl-clean.test -s $LAB_POLICY_DNS" -- \
	check_ims_dnsbl -a 192.0.2.25 --smarthost 203.0.113.10 -l bl-listed.test \
	-l bl-clean.test -s "$LAB_POLICY_DNS"
service mail.lab.test "IMS checklist" 0 \
	"check_ims!$dir/healthy.conf" -- \
	check_ims -C "$dir/healthy.conf"
service mail.lab.test "IMS checklist step 2 refused" 2 \
	"check_ims!$dir/refused.conf!--steps 2" -- \
	check_ims -C "$dir/refused.conf" --steps 2

write_config() {
	local i
	cat >"$dir/resource.cfg" <<-RES
		\$USER1\$=$top/plugins
	RES
	{
		cat <<-'OBJ'
			# written by tests/integration/nagios.sh
			define timeperiod {
				timeperiod_name	24x7
				alias		always
				sunday		00:00-24:00
				monday		00:00-24:00
				tuesday		00:00-24:00
				wednesday	00:00-24:00
				thursday	00:00-24:00
				friday		00:00-24:00
				saturday	00:00-24:00
			}
			define command {
				command_name	notify-nobody
				command_line	/bin/true
			}
			define contact {
				contact_name			nobody
				host_notifications_enabled	0
				service_notifications_enabled	0
				host_notification_period	24x7
				service_notification_period	24x7
				host_notification_options	n
				service_notification_options	n
				host_notification_commands	notify-nobody
				service_notification_commands	notify-nobody
			}
			# no check_command: the hosts are taken to be up
			define host {
				name			lab-host
				register		0
				max_check_attempts	1
				check_period		24x7
				contacts		nobody
				notification_period	24x7
				notification_interval	0
			}
			# one run each: scheduled at start, next in an hour
			define service {
				name			lab-service
				register		0
				max_check_attempts	1
				check_interval		60
				retry_interval		60
				check_period		24x7
				contacts		nobody
				notification_period	24x7
				notification_interval	0
			}
		OBJ
		for ((i = 0; i < ${#hosts[@]}; i += 2)); do
			printf 'define host {\n\tuse\t\tlab-host\n\thost_name\t%s\n\taddress\t\t%s\n}\n' \
				"${hosts[i]}" "${hosts[i + 1]}"
		done
		for i in "${!svc_desc[@]}"; do
			printf 'define service {\n\tuse\t\t\tlab-service\n\thost_name\t\t%s\n\tservice_description\t%s\n\tcheck_command\t\t%s\n}\n' \
				"${svc_host[i]}" "${svc_desc[i]}" "${svc_check[i]}"
		done
	} >"$dir/lab.cfg"
	cat >"$dir/nagios.cfg" <<-CFG
		# a private Nagios 4 for tests/integration/nagios.sh
		log_file=$dir/nagios.log
		cfg_file=$top/contrib/nagios/imscheck-commands.cfg
		cfg_file=$dir/lab.cfg
		resource_file=$dir/resource.cfg
		object_cache_file=$dir/objects.cache
		precached_object_file=$dir/objects.precache
		status_file=$dir/status.dat
		status_update_interval=1
		temp_file=$dir/nagios.tmp
		temp_path=$dir
		lock_file=$dir/nagios.lock
		retain_state_information=0
		state_retention_file=$dir/retention.dat
		check_result_path=$dir/checkresults
		check_result_reaper_frequency=1
		command_file=$dir/nagios.cmd
		query_socket=$dir/nagios.qh
		nagios_user=root
		nagios_group=root
		check_external_commands=1
		enable_notifications=0
		enable_flap_detection=0
		execute_host_checks=0
		service_inter_check_delay_method=n
		host_inter_check_delay_method=n
		use_syslog=0
		illegal_macro_output_chars=\`~\$&|'"<>
	CFG
}

# status_tsv: one line per service in status.dat, fields separated by
# US (\037: read would merge empty TAB-separated fields): host, description,
# has_been_checked, current_state, plugin_output, performance_data,
# long_plugin_output (its newlines written as \n)
status_tsv() {
	awk -F '\n' '
		/^servicestatus \{/ { in_svc = 1; delete v; next }
		in_svc && /^\t}/ {
			in_svc = 0
			printf "%s\037%s\037%s\037%s\037%s\037%s\037%s\n", v["host_name"],
				v["service_description"], v["has_been_checked"],
				v["current_state"], v["plugin_output"],
				v["performance_data"], v["long_plugin_output"]
			next
		}
		in_svc {
			line = $0
			sub(/^\t/, "", line)
			k = line
			sub(/=.*/, "", k)
			val = substr(line, length(k) + 2)
			v[k] = val
		}' "$dir/status.dat" 2>/dev/null
}

# indent PREFIX TEXT: TEXT's lines, each after four blanks and PREFIX
indent() {
	local line
	while IFS= read -r line; do
		printf '    %s%s\n' "$1" "$line"
	done <<<"$2"
}

# mask TEXT: numbers become N, so two runs of a check compare equal
mask() {
	sed -E 's/[0-9]+(\.[0-9]+)?/N/g' <<<"$1"
}

pid=""
stop_nagios() {
	local i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=""
}
trap stop_nagios EXIT
trap 'exit 1' HUP INT TERM

start_fail() {
	echo "FAIL nagios/start: $1"
	[ $# -lt 2 ] || [ ! -s "$2" ] || sed 's/^/    /' "$2"
	exit 0
}

write_config
if ! "$nagios" -v "$dir/nagios.cfg" >"$dir/verify.log" 2>&1 ||
	! grep -q 'Total Warnings: *0' "$dir/verify.log"; then
	grep -E '^(Error|Warning)' "$dir/verify.log" >"$dir/verify.problems"
	start_fail "nagios4 -v does not accept the configuration ($dir/verify.log)" \
		"$dir/verify.problems"
fi

t0=$(date +%s%N)
# shellcheck disable=SC2016 # expanded by the inner sh
unshare --uts -- sh -c 'hostname mail && exec "$0" "$1"' \
	"$nagios" "$dir/nagios.cfg" >"$dir/nagios.out" 2>&1 &
pid=$!
total=${#svc_desc[@]}
checked=0
deadline=$((SECONDS + WAIT_SECONDS))
while [ "$SECONDS" -lt "$deadline" ]; do
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		rc=$?
		pid=""
		cat "$dir/nagios.log" >>"$dir/nagios.out" 2>/dev/null
		start_fail "nagios4 exited ($rc) before every service was checked" "$dir/nagios.out"
	fi
	checked=$(status_tsv | awk -F '\037' '$3 == 1' | wc -l)
	[ "$checked" -lt "$total" ] || break
	sleep 0.2
done
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$checked" -lt "$total" ]; then
	status_tsv | awk -F '\037' '$3 != 1 { print "not checked: " $1 "/" $2 }' >"$dir/unchecked"
	cat "$dir/nagios.log" >>"$dir/unchecked"
	start_fail "only $checked of $total services checked after $WAIT_SECONDS s" "$dir/unchecked"
fi
echo "PASS nagios/start: nagios4 checked $total services in $ms ms"
status_tsv >"$dir/status.tsv"
stop_nagios

# every service: Nagios's view against the plugin run here, in the same
# host name as Nagios had
for i in "${!svc_desc[@]}"; do
	name="nagios/${svc_host[i]}/${svc_desc[i]}"
	row=$(awk -F '\037' -v h="${svc_host[i]}" -v d="${svc_desc[i]}" \
		'$1 == h && $2 == d' "$dir/status.tsv")
	IFS=$'\037' read -r _ _ _ n_state n_output n_perf n_long <<<"$row"
	n_long=${n_long//\\n/$'\n'}
	# shellcheck disable=SC2016 # expanded by the inner bash
	out=$(unshare --uts -- bash -c 'hostname mail && eval "exec $0"' \
		"${svc_argv[i]}" </dev/null 2>&1)
	d_state=$?
	first=$(head -n 1 <<<"$out")
	d_output=${first%%|*}
	d_output=${d_output% }
	# Nagios turns the semicolons of a status line into colons (they
	# separate the fields of its log and command file); perfdata and
	# long output keep theirs
	d_output=${d_output//;/:}
	d_long=$(tail -n +2 <<<"$out")
	d_perf=""
	[[ $first != *"|"* ]] || d_perf=${first#*| }
	why=""
	[ "$n_state" = "$d_state" ] ||
		why="$why; Nagios has state $n_state, the plugin exited $d_state"
	[ "$d_state" = "${svc_want[i]}" ] ||
		why="$why; expected state ${svc_want[i]}"
	[ "$(mask "$n_output")" = "$(mask "$d_output")" ] ||
		why="$why; status lines differ"
	[ "$(mask "$n_perf")" = "$(mask "$d_perf")" ] ||
		why="$why; perfdata differ"
	[ "$(mask "$n_long")" = "$(mask "$d_long")" ] ||
		why="$why; long output differs"
	if [ -z "$why" ]; then
		echo "PASS $name: state ${n_state}, ${n_output%% - *}"
	else
		echo "FAIL $name: ${why#; }"
		echo "    check_command ${svc_check[i]}"
		echo "    nagios| $n_output | $n_perf"
		[ -z "$n_long" ] || indent 'nagios| ' "$n_long"
		echo "    \$ ${svc_argv[i]}"
		indent 'plugin| ' "$out"
	fi
done
