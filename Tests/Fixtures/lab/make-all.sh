#!/usr/bin/env bash
# Regenerate every lab capture (needs root; takes about 2 minutes), then
# rewrite FRAMES.md with the per-frame facts read back from the pcaps.
# Usage: make-all.sh [scenario...]   (default: all, in priority order)
set -uo pipefail
cd "$(dirname "$0")"
all=(basic one-way-nat forged-rst stale-state-recovered stale-state-stuck smtp-silent offload pmtu-blackhole tls-proxy-reset slow-reader wan-delay lost-last-ack)
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=("${all[@]}")
failed=()
for s in "${scenarios[@]}"; do
    echo "=== $s"
    if ! timeout 120 "./$s.sh" >"/tmp/cbl-make-$s.log" 2>&1; then
        echo "FAILED: $s (log: /tmp/cbl-make-$s.log)"
        failed+=("$s")
    fi
done
./facts.sh >FRAMES.md
left="$(ip netns list | awk '{print $1}' | grep '^cbl-' || true)"
[[ -z "$left" ]] || { echo "namespaces left behind: $left"; failed+=(cleanup); }
if [[ ${#failed[@]} -gt 0 ]]; then echo "failed: ${failed[*]}"; exit 1; fi
echo "all scenarios done"
