/*
 * buf.h - bounded byte buffers and parsing cursors.
 *
 * Everything read from the network lands in a struct buf, which knows its
 * length and refuses to grow past the cap it was given (Postfix VSTRING,
 * curl dynbuf).  Parsers walk bytes with a struct cursor, which fails on
 * short input instead of reading past the end (c-ares ares_buf).
 */
#ifndef IMSCHECK_BUF_H
#define IMSCHECK_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data;  /* NUL-terminated whenever it is not NULL */
	size_t len;  /* bytes held, without the NUL */
	size_t size; /* bytes allocated */
	size_t max;  /* len never exceeds this */
};

#define BUF_INIT(maxlen)                                                       \
	{                                                                      \
		NULL, 0, 0, (maxlen)                                           \
	}

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);

/*
 * Strict appends: all or nothing.  They return 0, or -1 with errno E2BIG
 * (the cap would be exceeded) or ENOMEM, leaving the buffer as it was.
 */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Truncating append for display text: appends what fits under the cap and
 * returns 1 when something was cut, 0 when all of it fit, -1 on ENOMEM.
 */
int buf_append_cut(struct buf *b, const void *data, size_t len);

/* PREFIX, TEXT (len bytes) and a newline, cut at the cap: a transcript. */
void buf_append_line(struct buf *b, const char *prefix, const char *text,
		     size_t len);

/* The contents as a C string; "" for an empty buffer. */
const char *buf_str(const struct buf *b);

struct cursor {
	const unsigned char *p;
	size_t left;
};

void cursor_init(struct cursor *c, const void *data, size_t len);
int cursor_u8(struct cursor *c, uint8_t *v);
/* The next byte, left where it is; -1 at the end. */
int cursor_peek(const struct cursor *c, uint8_t *v);
int cursor_u16(struct cursor *c, uint16_t *v); /* network byte order */
int cursor_skip(struct cursor *c, size_t n);
/* 0 when the input is used up exactly, -1 when bytes are left over. */
int cursor_end(const struct cursor *c);

#endif
