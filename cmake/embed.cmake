# Turn the file IN into a C array in OUT: NAME[] (NUL-terminated), NAME_len
# and NAME_sha256 (its hash, lowercase hex).
# NAME defaults to poise_default_playbook.
if(NOT NAME)
	set(NAME poise_default_playbook)
endif()
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
# Its SHA-256 as well, so loading it at start-up does not hash it again.
file(SHA256 "${IN}" sha)
file(WRITE "${OUT}" "/* generated from ${IN}; do not edit */\n"
	"const unsigned char ${NAME}[] = {\n${body}0x00};\n"
	"const unsigned long ${NAME}_len = ${len};\n"
	"const char ${NAME}_sha256[] = \"${sha}\";\n")
