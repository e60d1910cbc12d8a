#!/usr/bin/env bash
# See stale-state.sh: the client's RSTs are dropped by the router, every SYN gets a challenge ACK.
exec "$(dirname "$0")/stale-state.sh" stuck
