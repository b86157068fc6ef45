# shellcheck shell=bash
# tests/bench/lib.sh - shared helpers for tests/bench/run (sourced, bash).
#
# Timing, medians, callgrind instruction counts, ratios and the writing of
# one section of docs/BENCHMARKS.md. A benchmark section function uses these
# and nothing else; see tests/bench/run for the shape of one.

bench_log() { printf 'bench: %s\n' "$*" >&2; }
bench_die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 1
}

# --- cleanup stack: bench_on_exit CMD... runs CMD (last first) on exit ------
# Each section runs in its own subshell with bench_cleanup as its EXIT trap,
# so a failing section takes its lab down with it.
BENCH_CLEANUP=()
bench_on_exit() { BENCH_CLEANUP+=("$(printf '%q ' "$@")"); }
# A failed cleanup turns a successful exit into a failure (a lab left running
# would break the next run).
bench_cleanup() {
	local rc=$? i
	for ((i = ${#BENCH_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${BENCH_CLEANUP[i]}" >&2 || {
			bench_log "cleanup failed: ${BENCH_CLEANUP[i]}"
			((rc)) || rc=1
		}
	done
	BENCH_CLEANUP=()
	exit $rc
}

# --- wall time ---------------------------------------------------------------
# bench_time VAR CMD...: runs CMD (a program or a shell function) with its
# output thrown away, stores the elapsed wall time in microseconds in VAR and
# returns CMD's exit status. The clock is bash's $EPOCHREALTIME, read without
# forking anything, so the only process cost counted is CMD's own. The
# [!0-9] strip makes it independent of the locale's decimal separator.
bench_time() {
	local __var=$1 __t0 __t1 __rc
	shift
	__t0=${EPOCHREALTIME//[!0-9]/}
	"$@" >/dev/null 2>&1
	__rc=$?
	__t1=${EPOCHREALTIME//[!0-9]/}
	printf -v "$__var" '%d' $((__t1 - __t0))
	return $__rc
}

# bench_median FILE: median of the numbers in FILE (one a line); the mean of
# the two middle values when there is an even count.
bench_median() {
	sort -n "$1" | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) exit 1
			if (NR % 2) print v[(NR + 1) / 2]
			else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# bench_us_to_ms MICROSECONDS: "12.34"
bench_us_to_ms() { awk -v u="$1" 'BEGIN { printf "%.2f\n", u / 1000 }'; }

# bench_summary FILE: "MIN MEDIAN P90 MAX" of the numbers in FILE (one a
# line). The median as bench_median's; p90 by nearest rank: the
# ceil(0.9 N)-th smallest value, a value that occurred.
bench_summary() {
	sort -n "$1" | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) exit 1
			med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			k = int(NR * 9 / 10)
			if (k * 10 < NR * 9) k++
			print v[1], med, v[k], v[NR]
		}'
}

# bench_percentile FILE P: the P-th percentile (0 < P <= 100) of the numbers
# in FILE by nearest rank, as bench_summary's p90.
bench_percentile() {
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 }
		END {
			if (NR == 0) exit 1
			k = int(NR * p / 100)
			if (k * 100 < NR * p) k++
			print v[k < 1 ? 1 : k]
		}'
}

# bench_s_to_us VAR SECONDS: a decimal number of seconds ("0.040557", as
# plugins write perfdata) as whole microseconds in VAR, in bash arithmetic
# (no locale involved). Fails on anything else.
bench_s_to_us() {
	local __s=$2 __i __f
	[[ $__s =~ ^[0-9]+(\.[0-9]*)?$ ]] || return 1
	__i=${__s%%.*}
	__f=${__s#"$__i"}
	__f=${__f#.}000000
	printf -v "$1" '%d' $((10#$__i * 1000000 + 10#${__f:0:6}))
}

# --- the binaries measured -----------------------------------------------------
# bench_copy_plugin SRC DST: copies the plugin SRC to DST, so that every number
# of a section is of one binary although plugins/ may be rebuilt next door
# (make check SANITIZE=1) while the benchmark runs. The copy must run (-V
# exits 0: a file the linker is still writing does not) and must not be a
# sanitizer build; a copy that does not run is taken again, for up to 10 s.
bench_copy_plugin() {
	local src=$1 dst=$2 i
	for ((i = 0; i < 10; i++)); do
		((i == 0)) || sleep 1
		cp "$src" "$dst" 2>/dev/null || continue
		"$dst" -V >/dev/null 2>&1 || continue
		if ldd "$dst" 2>/dev/null | grep -qE 'lib(a|ub|t|l)san'; then
			bench_log "$src is built with sanitizers (SANITIZE=1): rebuild it with plain make"
			return 1
		fi
		return 0
	done
	bench_log "no working copy of $src after 10 s (build it first: make)"
	return 1
}

# --- instructions (callgrind) ------------------------------------------------
# bench_callgrind LOGDIR CMD...: runs CMD once under
#   valgrind --tool=callgrind --trace-children=yes --child-silent-after-fork=yes
#            --callgrind-out-file=/dev/null --log-file=LOGDIR/cg.%p.log
# and returns CMD's exit status. Every process of the run (CMD and everything
# it execs, e.g. check_dig -> dig) writes its own log with one
#   ==PID== Collected : N
# line, N being its instructions executed (event Ir, ld.so start-up
# included). --log-file matters: by default valgrind writes to the traced
# process's stderr, and check_dig reads dig's stderr, so the child's summary
# would vanish into check_dig (and turn its result into WARNING).
# --child-silent-after-fork keeps a forked child quiet until it execs (the
# exec'd program then logs normally). Call it several times with the same
# LOGDIR to count a unit made of several commands. Not counted: what a
# process executes between fork() and exec() or before an exec() without
# fork (the new image's log replaces the old one's; valgrind prints no
# summary at exec): for check_dig that is the child's few set-up calls
# before it becomes dig, negligible next to dig itself.
bench_callgrind() {
	local logdir=$1
	shift
	mkdir -p "$logdir" || return 1
	valgrind --tool=callgrind --trace-children=yes \
		--child-silent-after-fork=yes --callgrind-out-file=/dev/null \
		--log-file="$logdir/cg.%p.log" "$@" >/dev/null 2>&1
}

# bench_callgrind_total LOGDIR: prints "INSTRUCTIONS PROCESSES", the sum of
# the Collected lines of every log in LOGDIR and the number of logs. Fails
# when a log has no Collected line (a process that died under valgrind).
bench_callgrind_total() {
	local logdir=$1 f n=0 sum=0 c
	for f in "$logdir"/cg.*.log; do
		[ -e "$f" ] || return 1
		c=$(awk '/== Collected : / { print $NF; found = 1 } END { exit !found }' "$f") ||
			{ bench_log "no Collected line in $f"; return 1; }
		sum=$((sum + c))
		n=$((n + 1))
	done
	echo "$sum $n"
}

# bench_callgrind_detail LOGDIR: one "instructions<TAB>command" line per log.
bench_callgrind_detail() {
	awk '/== Command: / { sub(/^==[0-9]+== Command: /, ""); cmd = $0 }
	     /== Collected : / { printf "%s\t%s\n", $NF, cmd }' "$1"/cg.*.log
}

# --- formatting ----------------------------------------------------------------
# bench_ratio A B: A/B as "12.3" (two decimals under 10).
bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b == 0) { print "n/a"; exit }
		r = a / b
		printf (r < 10 ? "%.2f\n" : "%.1f\n"), r
	}'
}

# bench_paths: a filter for the text of a report: the build folder (and where
# the labs are, BENCH_LABS, which may be it bind-mounted on /mnt) becomes
# BUILD_DIR, the checkout's own path goes, and a lab password a command line
# holds (BENCH_SECRET) becomes PASSWORD.
bench_paths() {
	sed "s|$BUILD/|BUILD_DIR/|g; s|${BENCH_LABS:-$BUILD}/|BUILD_DIR/|g; s|$BENCH_ROOT/||g${BENCH_SECRET:+; s|$BENCH_SECRET|PASSWORD|g}"
}

# bench_group N: 1234567 -> 1,234,567
bench_group() {
	printf '%s\n' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'
}

# bench_plural N WORD: "1 process", "10 processes"
bench_plural() {
	case $1 in
	1) echo "1 $2" ;;
	*) case $2 in *s) echo "$1 ${2}es" ;; *) echo "$1 ${2}s" ;; esac ;;
	esac
}

# bench_aim VALUE OP LIMIT: prints MET or NOT MET (OP is >= or <=).
bench_aim() {
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		ok = (op == ">=") ? (v >= l) : (v <= l)
		print (ok ? "MET" : "NOT MET")
	}'
}

# bench_pkg_version PACKAGE: installed Debian version, or "not installed".
bench_pkg_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not installed"
}

# bench_machine: the machine lines every section starts with.
bench_machine() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
	printf -- '- date: %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf -- '- machine: %s CPUs (nproc)%s, kernel %s, %s\n' "$(nproc)" \
		"${cpu:+ $cpu}" "$(uname -sr)" \
		"$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
	printf -- '- imscheck: %s\n' "$(git -C "$BENCH_ROOT" describe --always --dirty 2>/dev/null || echo 'no commit yet')"
}

# --- docs/BENCHMARKS.md --------------------------------------------------------
# bench_write_section NAME FILE CONTENT: puts the text of file CONTENT between
# the lines <!-- bench:NAME --> and <!-- /bench:NAME --> of FILE, replacing
# what was there, or appends a new marked block at the end. Everything
# outside the markers is left alone, so each benchmark owns only its block.
bench_write_section() {
	local name=$1 file=$2 content=$3 tmp
	local begin="<!-- bench:$name -->" end="<!-- /bench:$name -->"
	if [ ! -e "$file" ]; then
		bench_doc_intro >"$file" || return 1
	fi
	tmp="$file.tmp.$$"
	if grep -qxF "$begin" "$file"; then
		awk -v b="$begin" -v e="$end" -v c="$content" '
			$0 == b { print; while ((getline l < c) > 0) print l; skip = 1; next }
			$0 == e { skip = 0 }
			!skip { print }' "$file" >"$tmp" || return 1
	else
		{ cat "$file"; printf '\n%s\n' "$begin"; cat "$content"; printf '%s\n' "$end"; } >"$tmp" || return 1
	fi
	mv "$tmp" "$file"
}

bench_doc_intro() {
	cat <<'EOF'
# Benchmarks

Written by `make bench` (`tests/bench/run BUILD_DIR`). Each section is the
output of one benchmark function in `tests/bench/run` and sits between its
`<!-- bench:NAME -->` markers; a run replaces only its own sections, so text
outside the markers is kept. Numbers come from one run on one machine: read
the ratios, not the absolute values.

Method, for every section:

- wall time: each variant is run `BENCH_RUNS` times (default 50) after one
  warm-up run, the variants interleaved in rotating order; each run is timed
  by the benchmark's own bash with `$EPOCHREALTIME` (no process started to
  read the clock); the table gives the median.
- instructions: one run of each variant under
  `valgrind --tool=callgrind --trace-children=yes --child-silent-after-fork=yes
  --callgrind-out-file=/dev/null --log-file=DIR/cg.%p.log`; every process
  of the run (the plugin and everything it executes) writes its own log with
  a `==PID== Collected : N` line (instructions executed, dynamic loader
  included); the table gives the sum over all processes of the run.
- distributions (round trips of a probe): `BENCH_TRIPS` runs (default 30)
  after one warm-up run; min, median, p90 (nearest rank) and max.
- isolation: run as root, `tests/bench/run` re-executes itself in network
  and mount namespaces of its own (`tests/lab/isolate.sh`, as `make check`
  does), so its labs' loopback addresses never clash with another lab's.
EOF
}
