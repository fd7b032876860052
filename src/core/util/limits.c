/* limits.c - counting characters against the limits of limits.h. */
#include "poise/limits.h"

size_t limits_chars(const char *utf8)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)utf8; p && *p; p++)
		n += (*p & 0xc0) != 0x80;
	return n;
}

int limits_call_id(const char *s, int whole)
{
	for (int i = 0; i < FIELD_CALL_ID_LEN; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-'
			 : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return !whole || s[FIELD_CALL_ID_LEN] == '\0';
}
