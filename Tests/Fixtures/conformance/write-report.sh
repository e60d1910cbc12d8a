#!/usr/bin/env bash
# Assembles docs/conformance.md from the conformance tests' outputs (see `make conformance`).
set -euo pipefail
frames=$1; zeek=$2; findings=$3
cat <<HEAD
# Conformance: casebook against tshark 4.0.17 and Zeek on ../shared/corpus

Made by \`make conformance\` on $(date -u +%Y-%m-%d). The captures are the 117 public test captures of
../shared/corpus; tshark baselines are committed in Tests/Fixtures/conformance/tshark (made by
make-tshark-baselines.sh), Zeek's are the corpus's own copies of Zeek's btest baselines.

## Per-frame fields and tcp.stream

\`\`\`
$(head -1 "$frames")
\`\`\`

Fields compared per frame: frame number, epoch time, lengths, MACs, IP addresses, TTL / hop limit,
IP ID, DF, TCP ports, raw seq/ack, flags, window, header and segment length, every TCP option
(values and kinds in order), UDP ports, ICMP type and quoted ports. Understood differences are listed
with their reasons in Tests/Fixtures/conformance/known-differences.tsv:

$(grep '^KNOWN' "$frames" | cut -f2 | sed 's/^/- /')

## TCP analysis flags (tcp.analysis.*), per frame

$(grep -E '^(analysis flags)' "$frames" || true)

$(grep '^|' "$frames")

Every disagreement:

$(grep '^FLAG' "$frames" | cut -f2- | sed 's/^/- /')

The three fast retransmissions of zeek/tcp_reassembly.pcap (FIN/ACKs repeated by the server) are
tagged plain "Retransmission" by casebook: tshark 4.0.17 reports them as fast retransmissions although
the client sent no duplicate ACKs; the packet-tcp.c versions read do not explain it. Frame 105 of the
same capture is the ACKed-unseen case that follows from those.

## Zeek conn_state and history

$(head -1 "$zeek")

Understood differences (Tests/Fixtures/conformance/zeek-known-differences.tsv):

$(grep -v '^#' Tests/Fixtures/conformance/zeek-known-differences.tsv | awk -F'\t' '{print "- " $1 ": " $2}')

$(tail -n +2 "$zeek")

## Findings on the corpus (every rule over every capture)

Error-level findings are reviewed one by one in Tests/Fixtures/conformance/corpus-error-findings.tsv
(CorpusFindingsTests fails on any new one); clean reference sessions (category "application
session/clean reference") get none.

$(head -1 "$findings")

$(tail -n +2 "$findings")
HEAD
