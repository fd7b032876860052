# Turn the file IN into a C array in OUT: poise_default_playbook[] (NUL-terminated).
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
file(WRITE "${OUT}" "/* generated from ${IN}; do not edit */\n"
	"const unsigned char poise_default_playbook[] = {\n${body}0x00};\n"
	"const unsigned long poise_default_playbook_len = ${len};\n")
