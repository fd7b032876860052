#!/bin/bash
# test_lib_waits.sh - lib.sh's waits can fail: wait_for, wait_words and
# wait_gone give up (exit 1) when the screen never does what they wait for,
# so a test built on them fails when poise goes wrong. The pane runs a
# shell, not poise: a screen that never changes. It stays alive after its
# line: a command that exits at once can take its unread output with it.
export POISE_BIN=/bin/sh
source "$(dirname "$0")/lib.sh"

start_poise 80 10 -c 'echo hello there; exec sleep 600'
wait_for "hello there" 20
set +e
( wait_gone "hello there" 1 ) 2>/dev/null
[ $? = 1 ] || { echo "FAIL: wait_gone passed while the text stayed" >&2; exit 1; }
( wait_for "not shown" 1 ) 2>/dev/null
[ $? = 1 ] || { echo "FAIL: wait_for passed on text never shown" >&2; exit 1; }
( wait_words "hello there again" 1 ) 2>/dev/null
[ $? = 1 ] || { echo "FAIL: wait_words passed on words never read" >&2; exit 1; }
set -e
wait_words "hello there"
wait_gone "not shown" 1
echo "ok: the waits fail when the screen does not do what they wait for"
