#!/usr/bin/env bash
# casebook benchmark: `make bench` (or Benchmarks/bench.sh from anywhere).
#
# For a 1 M and a 5 M packet trace (made by Benchmarks/generate_trace.py, cached
# under .build/bench/), measure wall time and peak RSS of
#   - the libpcap floor (Benchmarks/pcap_floor.c: pcap_next_ex over every packet),
#   - casebook analyze CASE --json   (release build with the Swift runtime linked in statically,
#     as a shipped binary would be; only the analyze step is timed),
#   - tshark -n -q -z conv,tcp -r TRACE,
#   - tcptrace -n -l TRACE,
# and print a table (also written to .build/bench/results.md).
#
# Environment:
#   BENCH_SIZES    packet counts of the traces (default "1000000 5000000")
#   BENCH_SEED     generator seed (default 1)
#   BENCH_TIMEOUT  seconds allowed per tool and trace (default 600)
#   BENCH_TOOLS    tools to run (default "floor casebook tshark tcptrace")
#   BENCH_RUNS     runs per tool, the fastest is reported (default 1; the floor always 3)
#   BENCH_SKIP_BUILD=1  use the existing release binary instead of building it
#   CASEBOOK_BIN   a casebook binary to measure instead (no build)
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
OUT=.build/bench
mkdir -p "$OUT"
SIZES=${BENCH_SIZES:-"1000000 5000000"}
SEED=${BENCH_SEED:-1}
TIMEOUT=${BENCH_TIMEOUT:-600}
TOOLS=${BENCH_TOOLS:-"floor casebook tshark tcptrace"}
SWIFT=${SWIFT:-swift}
NOTES=()
note() { echo "note: $*" >&2; NOTES+=("$*"); }
has_tool() { case " $TOOLS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

label() {  # 1000000 -> 1M, 5000000 -> 5M, 20000 -> 20k
    local n=$1
    if (( n % 1000000 == 0 )); then echo "$((n / 1000000))M"
    elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
    else echo "$n"; fi
}

# --- measuring tool --------------------------------------------------------
TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing GNU time (for peak RSS)"
        apt-get update -qq >/dev/null 2>&1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1
    fi
    [ -x "$TIME" ] || { TIME=""; note "/usr/bin/time missing (not root, or install failed): peak RSS not measured"; }
fi

# run_timed NAME CMD... : runs CMD (stdout to /dev/null) under timeout, BENCH_RUNS times;
# sets SECS (fastest wall time, ms resolution), RSS (peak RSS MiB of that run) and STATUS.
RUNS=${BENCH_RUNS:-1}
run_timed() {
    local name=$1; shift
    local tf="$OUT/$name.time" ef="$OUT/$name.stderr" rc t0 t1 secs rss i
    SECS=""; RSS="n/a"; STATUS=ok
    for ((i = 0; i < ${RUNS_OVERRIDE:-$RUNS}; i++)); do
        rm -f "$tf"
        t0=$(date +%s%N)
        if [ -n "$TIME" ]; then
            "$TIME" -f "%M" -o "$tf" timeout "$TIMEOUT" "$@" >/dev/null 2>"$ef"
        else
            timeout "$TIMEOUT" "$@" >/dev/null 2>"$ef"
        fi
        rc=$?
        t1=$(date +%s%N)
        if [ "$rc" = 124 ]; then STATUS="timeout (${TIMEOUT} s)"; return
        elif [ "$rc" != 0 ]; then STATUS="failed (exit $rc: $(head -c 200 "$ef" | tr '\n' ' '))"; return; fi
        secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        rss="n/a"
        [ -n "$TIME" ] && rss=$(awk 'END { printf "%.1f", $1 / 1024 }' "$tf")
        if [ -z "$SECS" ] || awk -v a="$secs" -v b="$SECS" 'BEGIN { exit !(a < b) }'; then
            SECS=$secs; RSS=$rss
        fi
    done
}

# --- traces ------------------------------------------------------------------
GEN=Benchmarks/generate_trace.py
TRACES=()
for n in $SIZES; do
    t="$OUT/bench-$(label "$n").pcap"
    if [ -s "$t" ] && [ "$t" -nt "$GEN" ] && [ -s "$t.stats.json" ]; then
        echo "trace $t: cached"
    else
        echo "generating $t ($n packets, seed $SEED) ..."
        rm -f "$t" "$t.stats.json"
        if ! python3 "$GEN" --packets "$n" --seed "$SEED" -o "$t.tmp" --stats "$t.stats.json"; then
            echo "bench: generating $t failed" >&2; rm -f "$t.tmp"; exit 1
        fi
        mv "$t.tmp" "$t"
    fi
    TRACES+=("$t")
done

# --- tools -------------------------------------------------------------------
FLOOR="$OUT/pcap_floor"
if has_tool floor; then
    if ! cc -O2 -o "$FLOOR" Benchmarks/pcap_floor.c -lpcap; then
        echo "bench: cannot compile the libpcap floor (is libpcap-dev installed? make deps)" >&2; exit 1
    fi
fi

CASEBOOK=""
CASEBOOK_SKIP=""   # why casebook is not measured
if has_tool casebook; then
    if [ -n "${CASEBOOK_BIN:-}" ]; then
        BIN=$CASEBOOK_BIN
    elif [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
        echo "building casebook (release) ..."
        # --static-swift-stdlib: no dynamic loading of the Swift runtime and Foundation (~10 ms a
        # run) and direct calls into it instead of through the PLT.
        if ! "$SWIFT" build -c release --static-swift-stdlib --product casebook >"$OUT/swift-build.log" 2>&1; then
            tail -n 20 "$OUT/swift-build.log" >&2
            note "swift build -c release failed (see $OUT/swift-build.log)"
        fi
    fi
    [ -n "${CASEBOOK_BIN:-}" ] || BIN="$("$SWIFT" build -c release --show-bin-path 2>/dev/null)/casebook"
    if [ ! -x "$BIN" ]; then
        CASEBOOK_SKIP="no casebook binary"
        note "no release binary at $BIN: casebook not measured"
    elif ! "$BIN" analyze --help >/dev/null 2>&1; then
        CASEBOOK_SKIP="casebook analyze not available yet"
        note "casebook analyze not available yet ($BIN has no analyze command): casebook not measured"
    else
        CASEBOOK=$BIN
    fi
fi

TSHARK=""
if has_tool tshark; then
    if command -v tshark >/dev/null; then TSHARK=$(command -v tshark)
    else note "tshark not installed (apt-get install tshark): skipped"; fi
fi
TCPTRACE=""
if has_tool tcptrace; then
    if ! command -v tcptrace >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing tcptrace ..."
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcptrace >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcptrace >/dev/null 2>&1; }
    fi
    if command -v tcptrace >/dev/null; then TCPTRACE=$(command -v tcptrace)
    else note "tcptrace not installed (apt-get install tcptrace): skipped"; fi
fi

# --- runs --------------------------------------------------------------------
CASEROOT=$(mktemp -d "$ROOT/$OUT/caseroot.XXXXXX")
trap 'rm -rf "$CASEROOT"' EXIT
ROWS=()   # "tool|trace|packets|secs|pps|mbs|rss|ratio|status"

add_row() {  # tool trace packets bytes floor_secs
    local tool=$1 trace=$2 packets=$3 bytes=$4 floor=$5 pps mbs ratio
    if [ "$STATUS" = ok ]; then
        pps=$(awk -v n="$packets" -v s="$SECS" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }')
        mbs=$(awk -v b="$bytes" -v s="$SECS" 'BEGIN { if (s > 0) printf "%.1f", b / s / 1e6; else print "-" }')
        ratio=$(awk -v s="$SECS" -v f="$floor" 'BEGIN { if (f > 0) printf "%.1f", s / f; else print "-" }')
        ROWS+=("$tool|$trace|$packets|$SECS|$pps|$mbs|$RSS|$ratio|ok")
    else
        ROWS+=("$tool|$trace|$packets|-|-|-|-|-|$STATUS")
    fi
    printf '  %-18s %8s s  %s\n' "$tool" "${SECS:--}" "$STATUS"
}

for t in "${TRACES[@]}"; do
    name=$(basename "$t" .pcap)
    packets=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packets"])' "$t.stats.json")
    bytes=$(stat -c %s "$t")
    echo "== $t: $packets packets, $bytes bytes"
    cat "$t" >/dev/null    # warm the page cache so no tool pays for the first read
    floor_secs=0
    if has_tool floor; then
        RUNS_OVERRIDE=3 run_timed "$name.floor" "$FLOOR" "$t"    # cheap: best of 3
        floor_secs=$SECS; [ "$STATUS" = ok ] || floor_secs=0
        add_row "libpcap floor" "$name" "$packets" "$bytes" "$floor_secs"
    fi
    if [ -n "$CASEBOOK" ]; then
        cid="bench-$name"
        if "$CASEBOOK" new "$cid" --root "$CASEROOT" >/dev/null 2>"$OUT/$name.casebook-setup.err" &&
           "$CASEBOOK" attach "$cid" "$t" --root "$CASEROOT" >/dev/null 2>>"$OUT/$name.casebook-setup.err"; then
            # Each run analyses afresh: the case's cached analysis is removed first (else runs
            # after the first would only copy the cached document).
            run_timed "$name.casebook" sh -c 'rm -rf "$1/$2/analysis" && exec "$3" analyze "$2" --root "$1" --json' \
                sh "$CASEROOT" "$cid" "$CASEBOOK"
        else
            STATUS="failed (case set-up: $(head -c 200 "$OUT/$name.casebook-setup.err" | tr '\n' ' '))"
        fi
        add_row "casebook analyze" "$name" "$packets" "$bytes" "$floor_secs"
        rm -rf "${CASEROOT:?}/$cid"    # the attached copy of the trace
    elif [ -n "$CASEBOOK_SKIP" ]; then
        SECS=""; STATUS="skipped: $CASEBOOK_SKIP"
        add_row "casebook analyze" "$name" "$packets" "$bytes" "$floor_secs"
    fi
    if [ -n "$TSHARK" ]; then
        run_timed "$name.tshark" "$TSHARK" -n -q -z conv,tcp -r "$t"
        add_row "tshark conv,tcp" "$name" "$packets" "$bytes" "$floor_secs"
    fi
    if [ -n "$TCPTRACE" ]; then
        run_timed "$name.tcptrace" "$TCPTRACE" -n -l "$t"
        add_row "tcptrace -n -l" "$name" "$packets" "$bytes" "$floor_secs"
    fi
done

# --- report ------------------------------------------------------------------
header="| tool | trace | packets | seconds | packets/s | MB/s | peak RSS MiB | × floor |"
rule="|---|---|--:|--:|--:|--:|--:|--:|"
{
    echo "# casebook benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo),"\
         "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'),"\
         "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo
    echo "Wall time and peak RSS (GNU time %M) of the fastest of $RUNS run(s) per tool (the floor: of 3), page cache warm;"
    echo "each tool under timeout ${TIMEOUT} s; casebook: only \`analyze CASE --json\` is timed (not new/attach); MB = 10^6 bytes of pcap file;"
    echo "× floor = seconds / seconds of the libpcap read loop on the same trace."
    echo
    echo "$header"
    echo "$rule"
    for r in "${ROWS[@]}"; do
        IFS='|' read -r tool trace packets secs pps mbs rss ratio status <<<"$r"
        if [ "$status" = ok ]; then
            echo "| $tool | $trace | $packets | $secs | $pps | $mbs | $rss | $ratio |"
        else
            echo "| $tool | $trace | $packets | $status | | | | |"
        fi
    done
    if [ ${#NOTES[@]} -gt 0 ]; then
        echo
        for n in "${NOTES[@]}"; do echo "- $n"; done
    fi
    echo
    echo "Versions:"
    [ -n "$CASEBOOK" ] && echo "- casebook $("$CASEBOOK" --version 2>/dev/null) ($CASEBOOK)"
    has_tool floor && echo "- $("$FLOOR" --version 2>/dev/null)"
    [ -n "$TSHARK" ] && echo "- $("$TSHARK" --version 2>/dev/null | head -n 1)"
    [ -n "$TCPTRACE" ] && echo "- tcptrace $("$TCPTRACE" -v 2>&1 | grep -m1 -o 'version [0-9.]*' | cut -d' ' -f2)"
    echo "- traces: Benchmarks/generate_trace.py --seed $SEED (counters in $OUT/bench-*.pcap.stats.json)"
} >"$OUT/results.md"

echo
printf '%-18s %-10s %9s %9s %11s %8s %13s %8s\n' tool trace packets seconds packets/s MB/s "peak RSS MiB" "x floor"
for r in "${ROWS[@]}"; do
    IFS='|' read -r tool trace packets secs pps mbs rss ratio status <<<"$r"
    if [ "$status" = ok ]; then
        printf '%-18s %-10s %9s %9s %11s %8s %13s %8s\n' "$tool" "$trace" "$packets" "$secs" "$pps" "$mbs" "$rss" "$ratio"
    else
        printf '%-18s %-10s %9s  %s\n' "$tool" "$trace" "$packets" "$status"
    fi
done
for n in "${NOTES[@]}"; do echo "note: $n"; done
echo "(written to $OUT/results.md)"
