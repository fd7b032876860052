# Turn the file IN into a C array in OUT: NAME[] (NUL-terminated) and NAME_len.
# NAME defaults to poise_default_playbook.
if(NOT NAME)
	set(NAME poise_default_playbook)
endif()
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
file(WRITE "${OUT}" "/* generated from ${IN}; do not edit */\n"
	"const unsigned char ${NAME}[] = {\n${body}0x00};\n"
	"const unsigned long ${NAME}_len = ${len};\n")
