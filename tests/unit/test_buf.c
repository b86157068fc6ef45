/*
 * test_buf.c - bounded buffers refuse to grow past their cap; cursors
 * refuse to read past the end.
 */
#include <errno.h>

#include "core/buf.h"

#include "unit.h"

static void
strict_append_respects_cap(void)
{
	struct buf b = BUF_INIT(8);

	CHECK(buf_puts(&b, "1234") == 0);
	CHECK(buf_puts(&b, "56789") == -1 && errno == E2BIG);
	CHECK_STR(buf_str(&b), "1234"); /* nothing appended */
	CHECK(buf_printf(&b, "%d", 5678) == 0);
	CHECK(b.len == 8);
	CHECK(buf_printf(&b, "x") == -1);
	buf_free(&b);
}

static void
cut_append_takes_what_fits(void)
{
	struct buf b = BUF_INIT(6);

	CHECK(buf_append_cut(&b, "abcd", 4) == 0);
	CHECK(buf_append_cut(&b, "efgh", 4) == 1);
	CHECK_STR(buf_str(&b), "abcdef");
	CHECK(buf_append_cut(&b, "x", 1) == 1);
	buf_free(&b);
}

static void
grows_across_sizes(void)
{
	struct buf b = BUF_INIT(100000);

	for (int i = 0; i < 10000; i++)
		CHECK(buf_append(&b, "0123456789", 10) == 0 || i >= 10000);
	CHECK(b.len == 100000);
	CHECK(buf_append(&b, "x", 1) == -1);
	buf_reset(&b);
	CHECK(b.len == 0 && buf_str(&b)[0] == '\0');
	buf_free(&b);
}

static void
empty_is_empty_string(void)
{
	struct buf b = BUF_INIT(10);

	CHECK_STR(buf_str(&b), "");
	buf_free(&b);
}

static void
cursor_short_and_leftover(void)
{
	const unsigned char data[] = {0x12, 0x34, 0x56};
	struct cursor c;
	uint16_t v16;
	uint8_t v8;

	cursor_init(&c, data, sizeof(data));
	CHECK(cursor_u16(&c, &v16) == 0 && v16 == 0x1234);
	CHECK(cursor_end(&c) == -1);
	CHECK(cursor_u16(&c, &v16) == -1); /* one byte left */
	CHECK(cursor_peek(&c, &v8) == 0 && v8 == 0x56 && c.left == 1);
	CHECK(cursor_u8(&c, &v8) == 0 && v8 == 0x56);
	CHECK(cursor_peek(&c, &v8) == -1);
	CHECK(cursor_end(&c) == 0);
	CHECK(cursor_u8(&c, &v8) == -1);
	CHECK(cursor_skip(&c, 1) == -1);
}

int
main(void)
{
	unit_suite = "unit/buf";
	RUN(strict_append_respects_cap);
	RUN(cut_append_takes_what_fits);
	RUN(grows_across_sizes);
	RUN(empty_is_empty_string);
	RUN(cursor_short_and_leftover);
	return unit_failed != 0;
}
