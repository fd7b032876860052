# locale.sh - es_locale DIR: compile the es_ES.UTF-8 locale into DIR/loc
# (localedef, no root needed) for LOCPATH=DIR/loc; where it cannot be
# built, the test skips (exit 77), except under CI where it fails.
es_locale() {
	mkdir -p "$1/loc"
	if ! localedef -i es_ES -f UTF-8 "$1/loc/es_ES.UTF-8" >"$1/localedef.log" 2>&1 &&
		[ ! -d "$1/loc/es_ES.UTF-8" ]; then
		if [ "${CI:-}" = true ]; then
			echo "FAIL: cannot build the es_ES locale: $(tail -2 "$1/localedef.log")" >&2
			exit 1
		fi
		echo "SKIP: localedef cannot build es_ES.UTF-8 here" >&2
		exit 77
	fi
}
