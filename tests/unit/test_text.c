/*
 * Suite "text": UTF-8 <-> UTF-16 kept exact, files named in UTF-8, and
 * user text echoed escaped and shortened around a column (core/text).
 */
#include <stdlib.h>
#include <string.h>
#include "cs_unit.h"
#include "hresult.h"
#include "say.h"
#include "utf8.h"

/* é, 日本 and U+1F600 (outside the BMP: a surrogate pair in UTF-16). */
#define MIXED "\x65\xC3\xA9\xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x98\x80"

START_TEST(text_outside_the_bmp_survives_a_round_trip_through_utf16)
{
    static const uint16_t want[] = { 0x65, 0xE9, 0x65E5, 0x672C, 0xD83D, 0xDE00, 0 };
    size_t units = 0;
    uint16_t *w = cs_utf8_to_utf16(MIXED, &units);
    char *back;

    ck_assert_ptr_nonnull(w);
    ck_assert_uint_eq(units, 6);
    ck_assert_int_eq(memcmp(w, want, sizeof(want)), 0);
    back = cs_utf16_to_utf8(w);
    ck_assert_str_eq(back, MIXED);
    free(w);
    free(back);
}
END_TEST

START_TEST(invalid_utf8_is_refused_not_replaced)
{
    static const char *const bad[] = {
        "\xC3",                 /* truncated */
        "a\x80z",               /* a lone continuation byte */
        "\xC0\xAF",             /* overlong '/' */
        "\xED\xA0\x80",         /* an encoded surrogate */
        "\xF4\x90\x80\x80",     /* beyond U+10FFFF */
        "\xFF",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(!cs_utf8_valid(bad[i], strlen(bad[i])), "case %u taken as valid", (unsigned)i);
        ck_assert_ptr_null(cs_utf8_to_utf16(bad[i], NULL));
    }
    ck_assert(cs_utf8_valid(MIXED "\xEF\xBF\xBD", strlen(MIXED) + 3));
}
END_TEST

START_TEST(a_lone_surrogate_from_com_is_reported_as_the_replacement_character)
{
    static const uint16_t lone[] = { 'a', 0xD800, 'b', 0xDC00, 0 };
    char *s = cs_utf16_to_utf8(lone);

    ck_assert_str_eq(s, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    free(s);
}
END_TEST

START_TEST(a_file_named_in_utf8_is_written_and_read_back)
{
    const char *path = "text-" MIXED ".txt";
    char buf[16] = "";
    FILE *f = cs_fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    fputs("exact", f);
    fclose(f);
    ck_assert_int_eq(cs_replace_file(path, "text-renamed.txt"), 0);
    f = cs_fopen("text-renamed.txt", "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
    fclose(f);
    ck_assert_str_eq(buf, "exact");
    ck_assert_int_eq(cs_remove_file("text-renamed.txt"), 0);
    ck_assert_ptr_null(cs_fopen("bad-\xC3.txt", "wb"));
}
END_TEST

START_TEST(control_characters_and_escapes_are_made_visible)
{
    char out[128];

    ck_assert_str_eq(cs_say_escaped("Add(1)\nEcho('x')", out, sizeof(out)), "Add(1)\\nEcho('x')");
    ck_assert_str_eq(cs_say_escaped("\x1b[31mred\t\\", out, sizeof(out)), "\\x1B[31mred\\t\\\\");
    ck_assert_str_eq(cs_say_escaped("ok " MIXED " \xC3", out, sizeof(out)), "ok " MIXED " \\xC3");
    ck_assert_str_eq(cs_say_escaped("abcdefghij", out, 8), "abcd...");
    ck_assert_str_eq(cs_say_escaped(NULL, out, sizeof(out)), "");
}
END_TEST

START_TEST(a_long_text_is_shortened_around_the_named_column)
{
    char text[400], out[128];

    memset(text, 'a', sizeof(text) - 1);
    text[sizeof(text) - 1] = 0;
    text[300] = 'X';
    cs_say_excerpt(text, 301, 40, out, sizeof(out));
    ck_assert_msg(strchr(out, 'X') != NULL, "column lost: %s", out);
    ck_assert_msg(!strncmp(out, "...", 3), "no leading cut mark: %s", out);
    ck_assert_msg(strlen(out) <= 40 + 6, "too long: %s", out);
    ck_assert_str_eq(cs_say_excerpt("Add(1", 6, 40, out, sizeof(out)), "Add(1");
}
END_TEST

START_TEST(com_and_type_library_codes_are_said_in_words)
{
    ck_assert_str_eq(cs_hresult_words(0x80029C4AUL),
                     "the type library cannot be loaded (TYPE_E_CANTLOADLIBRARY)");
    ck_assert_str_eq(cs_hresult_words(0x80020006UL), "unknown name (DISP_E_UNKNOWNNAME)");
    ck_assert_str_eq(cs_hresult_words(0x80040154UL), "the class is not registered (REGDB_E_CLASSNOTREG)");
    ck_assert_ptr_null(cs_hresult_words(0x8BADF00DUL));
}
END_TEST

/* The edges of the escapes: \r, DEL and the C1 controls U+0080 and
 * U+009F are escaped, U+00A0 (the first after them) is kept; a text cut
 * keeps whole characters and its "..." within the size: "abcdef" needs 9
 * bytes whole (the mark is kept room for while more follows), 8 give
 * "abcd...", 4 give "...", 3 or fewer give "". */
START_TEST(escapes_and_cuts_at_their_edges)
{
    char out[128];

    ck_assert_str_eq(cs_say_escaped("\r\x7f\xc2\x80\xc2\x9f\xc2\xa0\x1f ", out, sizeof(out)),
                     "\\r\\x7F\\x80\\x9F\xc2\xa0\\x1F ");
    ck_assert_str_eq(cs_say_escaped("abcdef", out, 9), "abcdef");
    ck_assert_str_eq(cs_say_escaped("abcdef", out, 8), "abcd...");
    ck_assert_str_eq(cs_say_escaped("abcdef", out, 4), "...");
    ck_assert_str_eq(cs_say_escaped("abcdef", out, 3), "");
    out[0] = 'z';
    cs_say_escaped("abcdef", out, 0);
    ck_int_eq(out[0], 'z');                       /* no room: nothing written */
    ck_assert_str_eq(cs_say_escaped("\xc3\xa9\xc3\xa9\xc3\xa9", out, 8), "\xc3\xa9\xc3\xa9\xc3\xa9");
    ck_assert_str_eq(cs_say_escaped("\xc3\xa9\xc3\xa9\xc3\xa9", out, 7), "\xc3\xa9...");
    ck_assert_str_eq(cs_say_escaped("\n\n\n\n", out, 8), "\\n\\n...");
}
END_TEST

/* An excerpt around a column: cut on the left only when the column is
 * far from the start, on the right only when the text goes on; a column
 * of 0 or past the end looks at the start; a size under 8 gives "". */
START_TEST(excerpts_cut_only_the_sides_that_go_on)
{
    char text[200], out[128];

    memset(text, 'a', sizeof(text) - 1);
    text[sizeof(text) - 1] = 0;
    text[5] = 'X';
    text[190] = 'Y';
    cs_say_excerpt(text, 6, 20, out, sizeof(out));
    ck_assert_msg(!strncmp(out, "aaaaaX", 6) && !strcmp(out + strlen(out) - 3, "..."), "%s", out);
    cs_say_excerpt(text, 191, 20, out, sizeof(out));
    ck_assert_msg(!strncmp(out, "...", 3) && strchr(out, 'Y') && strcmp(out + strlen(out) - 3, "..."), "%s", out);
    cs_say_excerpt(text, 0, 20, out, sizeof(out));
    ck_assert_msg(!strncmp(out, "aaaaaX", 6), "%s", out);
    cs_say_excerpt(text, 500, 20, out, sizeof(out));
    ck_assert_msg(!strncmp(out, "aaaaaX", 6), "%s", out);
    ck_assert_str_eq(cs_say_excerpt(text, 6, 20, out, 7), "");
    ck_assert_str_eq(cs_say_excerpt(NULL, 1, 20, out, sizeof(out)), "");
    /* out smaller than the window: one "..." at the cut, not two */
    ck_assert_str_eq(cs_say_excerpt(text, 6, 20, out, 12), "aaaaa...");   /* was "aaaaa......" */
}
END_TEST

/* The converters at their edges: a high surrogate last, or followed by
 * anything but a low one, and a low one alone each become U+FFFD; a
 * U+FFFD written in the text is valid UTF-8, a byte that is not UTF-8
 * is not; the unit count is optional; a file that does not exist reads
 * as NULL. */
START_TEST(surrogates_and_replacement_characters_at_their_edges)
{
    static const uint16_t high_last[] = { 0x41, 0xD83D, 0 }, high_then_a[] = { 0xD83D, 0x41, 0 };
    static const uint16_t low_alone[] = { 0xDC00, 0x42, 0 };
    uint16_t *w;
    char *u;

    ck_assert_str_eq(u = cs_utf16_to_utf8(high_last), "A\xEF\xBF\xBD");
    free(u);
    ck_assert_str_eq(u = cs_utf16_to_utf8(high_then_a), "\xEF\xBF\xBD" "A");
    free(u);
    ck_assert_str_eq(u = cs_utf16_to_utf8(low_alone), "\xEF\xBF\xBD" "B");
    free(u);
    ck_int_eq(cs_utf8_valid("\xEF\xBF\xBD", 3), 1);
    ck_int_eq(cs_utf8_valid("a\xFF", 2), 0);
    ck_assert_ptr_nonnull(w = cs_utf8_to_utf16("ab", NULL));
    ck_int_eq(w[0], 'a');
    ck_int_eq(w[2], 0);
    free(w);
    ck_assert_ptr_null(cs_utf8_to_utf16("a\xFF", NULL));
    ck_assert_ptr_null(cs_read_whole("no-such-dir/no-such-file"));
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(text_outside_the_bmp_survives_a_round_trip_through_utf16),
        CS_TEST(invalid_utf8_is_refused_not_replaced),
        CS_TEST(a_lone_surrogate_from_com_is_reported_as_the_replacement_character),
        CS_TEST(a_file_named_in_utf8_is_written_and_read_back),
        CS_TEST(control_characters_and_escapes_are_made_visible),
        CS_TEST(a_long_text_is_shortened_around_the_named_column),
        CS_TEST(com_and_type_library_codes_are_said_in_words),
        CS_TEST(escapes_and_cuts_at_their_edges), CS_TEST(excerpts_cut_only_the_sides_that_go_on),
        CS_TEST(surrogates_and_replacement_characters_at_their_edges), NULL
    };

    return cs_run_tests("text", NULL, NULL, tests);
}
