PS4='+ $EPOCHREALTIME '
set -x
. "$1"
