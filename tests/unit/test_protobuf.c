// SPDX-License-Identifier: GPL-2.0
/*
 * The protobuf encoder of the Perfetto exporter (export/protobuf.c), byte
 * for byte against the examples of the encoding guide
 * (https://protobuf.dev/programming-guides/encoding/) and hand-worked ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "export/protobuf.h"

#define EXPECT_BYTES(b, ...)                                                   \
	do {                                                                   \
		const uint8_t want_[] = { __VA_ARGS__ };                       \
		assert_int_equal((b)->err, 0);                                 \
		assert_int_equal((b)->len, sizeof(want_));                     \
		assert_memory_equal((b)->data, want_, sizeof(want_));          \
	} while (0)

static void varint_150_is_96_01_after_key_08(void **state)
{
	struct pb_buf b = { 0 };

	pb_uint(&b, 1, 150);	/* the guide's "message Test1 { int32 a = 1; }" */
	EXPECT_BYTES(&b, 0x08, 0x96, 0x01);
	pb_free(&b);
}

static void varint_sizes_at_each_7_bit_boundary(void **state)
{
	assert_int_equal(pb_varint_size(0), 1);
	assert_int_equal(pb_varint_size(127), 1);
	assert_int_equal(pb_varint_size(128), 2);
	assert_int_equal(pb_varint_size(16383), 2);
	assert_int_equal(pb_varint_size(16384), 3);
	assert_int_equal(pb_varint_size(UINT32_MAX), 5);
	assert_int_equal(pb_varint_size(UINT64_MAX), 10);
}

static void uint64_max_takes_ten_bytes(void **state)
{
	struct pb_buf b = { 0 };

	pb_put_varint(&b, UINT64_MAX);
	EXPECT_BYTES(&b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
	pb_free(&b);
}

static void negative_int_is_sign_extended_to_ten_bytes(void **state)
{
	struct pb_buf b = { 0 };

	pb_int(&b, 2, -2);	/* int64 -2: two's complement, not zigzag */
	EXPECT_BYTES(&b, 0x10, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
	pb_free(&b);
}

static void string_testing_in_field_2(void **state)
{
	struct pb_buf b = { 0 };

	pb_string(&b, 2, "testing");	/* the guide's Test2 */
	EXPECT_BYTES(&b, 0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g');
	pb_free(&b);
}

static void empty_string_is_key_and_zero_length(void **state)
{
	struct pb_buf b = { 0 };

	pb_string(&b, 23, "");
	EXPECT_BYTES(&b, 0xba, 0x01, 0x00);	/* 23 << 3 | 2 = 186: two key bytes */
	pb_free(&b);
}

static void fixed64_is_little_endian_after_wire_type_1(void **state)
{
	struct pb_buf b = { 0 };

	pb_fixed64(&b, 47, 0x0102030405060708ull);	/* TrackEvent.flow_ids */
	EXPECT_BYTES(&b, 0xf9, 0x02, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01);
	pb_free(&b);
}

static void double_one_is_ieee_bits(void **state)
{
	struct pb_buf b = { 0 };

	pb_double(&b, 5, 1.0);	/* 0x3ff0000000000000 */
	EXPECT_BYTES(&b, 0x29, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f);
	pb_free(&b);
}

static void nested_message_test3_of_test1(void **state)
{
	struct pb_buf b = { 0 };
	pb_mark m;

	m = pb_msg_begin(&b, 3);	/* the guide's Test3 { Test1 c = 3; } */
	pb_uint(&b, 1, 150);
	pb_msg_end(&b, m);
	EXPECT_BYTES(&b, 0x1a, 0x03, 0x08, 0x96, 0x01);
	pb_free(&b);
}

static void empty_nested_message_has_length_zero(void **state)
{
	struct pb_buf b = { 0 };

	pb_msg_end(&b, pb_msg_begin(&b, 1));
	EXPECT_BYTES(&b, 0x0a, 0x00);
	pb_free(&b);
}

/* a body of 200 bytes needs a two-byte length: the body moves by one */
static void long_nested_body_gets_two_byte_length(void **state)
{
	struct pb_buf b = { 0 };
	char s[198];
	pb_mark outer, inner;

	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	outer = pb_msg_begin(&b, 1);
	inner = pb_msg_begin(&b, 2);
	pb_string(&b, 3, s);	/* 1 + 2 + 197 = 200 bytes */
	pb_msg_end(&b, inner);	/* 200 = 0xc8 0x01 */
	pb_uint(&b, 4, 1);
	pb_msg_end(&b, outer);	/* 1 + 2 + 200 + 2 = 205 = 0xcd 0x01 */
	assert_int_equal(b.err, 0);
	assert_int_equal(b.len, 3 + 205);
	const uint8_t head[] = { 0x0a, 0xcd, 0x01, 0x12, 0xc8, 0x01, 0x1a, 0xc5, 0x01, 'x' };
	assert_memory_equal(b.data, head, sizeof(head));
	const uint8_t tail[] = { 'x', 0x20, 0x01 };
	assert_memory_equal(b.data + b.len - sizeof(tail), tail, sizeof(tail));
	pb_free(&b);
}

/* lengths at the one/two byte edge: 127 stays in place, 128 moves */
static void nested_length_127_and_128(void **state)
{
	struct pb_buf b = { 0 };
	uint8_t body[126];
	pb_mark m;

	memset(body, 0xab, sizeof(body));
	m = pb_msg_begin(&b, 1);
	pb_bytes(&b, 2, body, 124);	/* 1 + 1 + 124 = 126 */
	pb_uint(&b, 3, 0);		/* + 2 = 128 */
	pb_msg_end(&b, m);
	assert_int_equal(b.len, 1 + 2 + 128);
	assert_int_equal(b.data[1], 0x80);
	assert_int_equal(b.data[2], 0x01);
	assert_int_equal(b.data[3], 0x12);
	pb_reset(&b);
	m = pb_msg_begin(&b, 1);
	pb_bytes(&b, 2, body, 125);	/* 1 + 1 + 125 = 127 */
	pb_msg_end(&b, m);
	assert_int_equal(b.len, 1 + 1 + 127);
	assert_int_equal(b.data[1], 0x7f);
	assert_int_equal(b.data[2], 0x12);
	pb_free(&b);
}

static void reset_keeps_memory_and_starts_empty(void **state)
{
	struct pb_buf b = { 0 };
	uint8_t *before;

	pb_uint(&b, 1, 1);
	before = b.data;
	pb_reset(&b);
	pb_bool(&b, 41, true);
	assert_ptr_equal(b.data, before);
	EXPECT_BYTES(&b, 0xc8, 0x02, 0x01);
	pb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(varint_150_is_96_01_after_key_08),
		cmocka_unit_test(varint_sizes_at_each_7_bit_boundary),
		cmocka_unit_test(uint64_max_takes_ten_bytes),
		cmocka_unit_test(negative_int_is_sign_extended_to_ten_bytes),
		cmocka_unit_test(string_testing_in_field_2),
		cmocka_unit_test(empty_string_is_key_and_zero_length),
		cmocka_unit_test(fixed64_is_little_endian_after_wire_type_1),
		cmocka_unit_test(double_one_is_ieee_bits),
		cmocka_unit_test(nested_message_test3_of_test1),
		cmocka_unit_test(empty_nested_message_has_length_zero),
		cmocka_unit_test(long_nested_body_gets_two_byte_length),
		cmocka_unit_test(nested_length_127_and_128),
		cmocka_unit_test(reset_keeps_memory_and_starts_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
