#!/usr/bin/env bash
# See stale-state.sh: challenge ACK answered by a RST that reaches the server.
exec "$(dirname "$0")/stale-state.sh" recovered
