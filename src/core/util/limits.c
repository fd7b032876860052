/* limits.c - counting characters against the limits of limits.h. */
#include "poise/limits.h"

size_t limits_chars(const char *utf8)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)utf8; p && *p; p++)
		n += (*p & 0xc0) != 0x80;
	return n;
}
