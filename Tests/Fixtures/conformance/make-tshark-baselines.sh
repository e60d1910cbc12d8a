#!/usr/bin/env bash
# Regenerate the tshark conformance baselines for every capture in the corpus.
#
# Usage: Tests/Fixtures/conformance/make-tshark-baselines.sh [CORPUS_DIR]
#
#   CORPUS_DIR defaults to ../../../../shared/corpus relative to this script
#   (i.e. ../shared/corpus relative to the repository root).
#
# For every capture listed in CORPUS_DIR/MANIFEST.tsv (column 1, path relative
# to CORPUS_DIR) this writes, next to this script:
#
#   tshark/<path>.tsv              tshark -T fields output (header + one row per frame)
#   tshark/<path>.tsv.err          only if tshark wrote to stderr or exited non-zero
#   tshark-default/<path>.txt      plain `tshark -n -r <path>` (one line per frame)
#   tshark-default/<path>.txt.err  only if tshark wrote to stderr or exited non-zero
#   tshark/VERSION                 tshark version line and the exact command templates
#
# Rows tshark printed before an error are kept. If tshark could not open the
# file at all (no output and a non-zero exit status) only the .err file is written.
# Output is never sorted: rows are in frame order.
#
# Requirements: bash, tshark (4.0.17 was used for the checked-in baselines), timeout.

set -u -o pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
corpus_arg=${1:-"$script_dir/../../../../shared/corpus"}
if ! corpus=$(cd "$corpus_arg" 2>/dev/null && pwd); then
    echo "corpus directory not found: $corpus_arg" >&2
    exit 1
fi
manifest=$corpus/MANIFEST.tsv
[ -f "$manifest" ] || { echo "no MANIFEST.tsv in $corpus" >&2; exit 1; }
command -v tshark >/dev/null || { echo "tshark not found in PATH" >&2; exit 1; }

out_fields=$script_dir/tshark
out_default=$script_dir/tshark-default

# Per-file time limit (seconds) so a pathological capture cannot hang the run.
TSHARK_TIMEOUT=${TSHARK_TIMEOUT:-300}

# Default preferences only: point tshark at an empty personal configuration
# directory so nothing in ~/.config/wireshark can change the dissection
# (relative sequence numbers, TCP sequence analysis on, checksum validation off
# are the 4.0 defaults). Fixed locale and time zone for reproducibility.
cfg_dir=$(mktemp -d "${TMPDIR:-/tmp}/casebook-tshark-cfg.XXXXXX")
trap 'rm -rf "$cfg_dir"' EXIT
export WIRESHARK_CONFIG_DIR=$cfg_dir
export LC_ALL=C.UTF-8
export TZ=UTC

fields=(
    frame.number frame.time_epoch frame.time_relative frame.len frame.cap_len
    frame.interface_id frame.protocols
    eth.src eth.dst vlan.id
    ip.src ip.dst ip.ttl ip.id ip.flags.df ip.flags.mf ip.frag_offset ip.len ip.proto
    ipv6.src ipv6.dst ipv6.hlim ipv6.nxt
    tcp.srcport tcp.dstport tcp.stream tcp.seq_raw tcp.ack_raw tcp.seq tcp.ack
    tcp.flags tcp.window_size_value tcp.window_size tcp.len tcp.hdr_len tcp.checksum
    tcp.options.mss_val tcp.options.wscale.shift tcp.options.sack_perm
    tcp.options.sack_le tcp.options.sack_re
    tcp.options.timestamp.tsval tcp.options.timestamp.tsecr tcp.option_kind
    udp.srcport udp.dstport udp.length
    icmp.type icmp.code icmpv6.type icmpv6.code
    tcp.analysis.retransmission tcp.analysis.fast_retransmission
    tcp.analysis.spurious_retransmission tcp.analysis.out_of_order
    tcp.analysis.lost_segment tcp.analysis.ack_lost_segment
    tcp.analysis.duplicate_ack_num tcp.analysis.duplicate_ack_frame
    tcp.analysis.zero_window tcp.analysis.zero_window_probe
    tcp.analysis.zero_window_probe_ack tcp.analysis.window_full
    tcp.analysis.window_update tcp.analysis.keep_alive tcp.analysis.keep_alive_ack
    tcp.analysis.reused_ports tcp.analysis.ack_rtt tcp.analysis.initial_rtt
    _ws.col.Protocol _ws.col.Info
)

fields_opts=(-T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, -E quote=n)
field_args=()
for f in "${fields[@]}"; do field_args+=(-e "$f"); done

# tshark prints this warning on every run as root; it says nothing about the
# capture, so it is dropped from the recorded stderr.
root_warning='^Running as user ".*" and group ".*"\. This could be dangerous\.$'

# run_one OUTFILE CAPTURE TSHARK-ARGS...
# Runs tshark from inside the corpus directory (so messages name the capture by
# its corpus-relative path), keeps whatever it printed, and writes OUTFILE.err
# when stderr (minus the root warning) is non-empty or the exit status is non-zero.
run_one() {
    local out=$1 capture=$2; shift 2
    local tmp_out=$out.tmp.$$ tmp_err=$out.stderr.$$ rc
    mkdir -p "$(dirname "$out")"
    (cd "$corpus" && timeout "$TSHARK_TIMEOUT" tshark "$@") >"$tmp_out" 2>"$tmp_err"
    rc=$?
    local err_text
    err_text=$(grep -Ev "$root_warning" "$tmp_err" || true)
    rm -f "$tmp_err" "$out.err"
    if [ "$rc" -ne 0 ] || [ -n "$err_text" ]; then
        {
            [ -n "$err_text" ] && printf '%s\n' "$err_text"
            printf '# exit status: %d\n' "$rc"
        } >"$out.err"
    fi
    if [ "$rc" -ne 0 ] && [ ! -s "$tmp_out" ]; then
        # tshark could not read the file at all: only the .err file.
        rm -f "$tmp_out" "$out"
    else
        mv -f "$tmp_out" "$out"
    fi
    return 0
}

mkdir -p "$out_fields" "$out_default"

{
    tshark --version 2>/dev/null | head -n 1
    echo
    echo "# field baselines: tshark/<capture>.tsv (run from the corpus directory, capture path relative to it)"
    printf 'tshark -n -r CAPTURE'
    printf ' %s' "${fields_opts[@]}" "${field_args[@]}"
    echo
    echo
    echo "# default one-line baselines: tshark-default/<capture>.txt"
    echo "tshark -n -r CAPTURE"
    echo
    echo "# environment: WIRESHARK_CONFIG_DIR=<empty temporary directory> (default preferences), LC_ALL=C.UTF-8, TZ=UTC"
    echo "# stderr (minus the 'Running as user \"root\"' warning) and the exit status go to <output>.err when non-empty / non-zero"
} >"$out_fields/VERSION"

n=0
while IFS=$'\t' read -r path _rest; do
    [ "$path" = "path" ] && continue      # header line
    [ -n "$path" ] || continue
    n=$((n + 1))
    if [ ! -f "$corpus/$path" ]; then
        echo "warning: $path listed in MANIFEST.tsv but missing" >&2
    fi
    run_one "$out_fields/$path.tsv" "$path" -n -r "$path" "${fields_opts[@]}" "${field_args[@]}"
    run_one "$out_default/$path.txt" "$path" -n -r "$path"
done <"$manifest"

echo "processed $n captures from $manifest" >&2
