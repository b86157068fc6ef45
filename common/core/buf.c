/*
 * buf.c - bounded byte buffers and parsing cursors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->size = 0;
	b->max = max;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for len more bytes plus the NUL; the caller checked the cap. */
static int
buf_grow(struct buf *b, size_t len)
{
	size_t need = b->len + len + 1;
	size_t size = b->size ? b->size : 64;
	char *p;

	if (need <= b->size)
		return 0;
	while (size < need)
		size *= 2;
	if ((p = realloc(b->data, size)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	b->data = p;
	b->size = size;
	return 0;
}

int
buf_append(struct buf *b, const void *data, size_t len)
{
	if (len > b->max - b->len) {
		errno = E2BIG;
		return -1;
	}
	if (buf_grow(b, len) == -1)
		return -1;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_append_cut(struct buf *b, const void *data, size_t len)
{
	size_t room = b->max - b->len;
	int cut = len > room;

	if (cut)
		len = room;
	if (buf_grow(b, len) == -1)
		return -1;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return cut;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -1;
	if ((size_t)n > b->max - b->len) {
		errno = E2BIG;
		return -1;
	}
	if (buf_grow(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

void
cursor_init(struct cursor *c, const void *data, size_t len)
{
	c->p = data;
	c->left = len;
}

int
cursor_u8(struct cursor *c, uint8_t *v)
{
	if (c->left < 1)
		return -1;
	*v = c->p[0];
	c->p++;
	c->left--;
	return 0;
}

int
cursor_peek(const struct cursor *c, uint8_t *v)
{
	if (c->left < 1)
		return -1;
	*v = c->p[0];
	return 0;
}

int
cursor_u16(struct cursor *c, uint16_t *v)
{
	if (c->left < 2)
		return -1;
	*v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->left -= 2;
	return 0;
}

int
cursor_skip(struct cursor *c, size_t n)
{
	if (c->left < n)
		return -1;
	c->p += n;
	c->left -= n;
	return 0;
}

int
cursor_end(const struct cursor *c)
{
	return c->left == 0 ? 0 : -1;
}

void
buf_append_line(struct buf *b, const char *prefix, const char *text, size_t len)
{
	buf_append_cut(b, prefix, strlen(prefix));
	buf_append_cut(b, text, len);
	buf_append_cut(b, "\n", 1);
}
