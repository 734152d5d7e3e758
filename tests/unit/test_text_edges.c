/*
 * The text helpers at their edges (core/text): UTF-16 surrogates to
 * UTF-8, a literal U+FFFD that is valid, files that are not there, and
 * FormatMessage inserts at the start of a text or after "of"; the
 * status words of a status out of range (core/verdicts/status.c).
 */
#include "cs_unit.h"
#include "hresult.h"
#include "say.h"
#include "status.h"
#include "utf8.h"
#include <stdlib.h>
#include <string.h>

START_TEST(a_surrogate_pair_joins_and_a_lone_surrogate_becomes_u_fffd)
{
    static const uint16_t w[] = { 0xD83D, 0xDE00, 0xD800, 'a', 0xDC00, 0xD800, 0xE000, 0xD800, 0 };
    char *u = cs_utf16_to_utf8(w);

    ck_assert_ptr_nonnull(u);
    ck_assert_str_eq(u, "\xf0\x9f\x98\x80\xef\xbf\xbd" "a\xef\xbf\xbd\xef\xbf\xbd\xee\x80\x80\xef\xbf\xbd");
    free(u);
}
END_TEST

START_TEST(a_literal_u_fffd_is_valid_utf8_and_a_cut_sequence_is_not)
{
    size_t n = 7;

    ck_int_eq(cs_utf8_valid("\xEF\xBF\xBD", 3), 1);
    ck_int_eq(cs_utf8_valid("a\xEF\xBF", 3), 0);
    ck_assert_ptr_null(cs_utf8_to_utf16("\xff", &n));
}
END_TEST

START_TEST(files_that_are_not_there_cannot_be_read_replaced_or_removed)
{
    remove("text-edges-none");
    ck_assert_ptr_null(cs_read_whole("text-edges-none"));
    ck_int_eq(cs_replace_file("text-edges-none", "text-edges-to"), -1);
    ck_int_eq(cs_remove_file("text-edges-none"), -1);
}
END_TEST

START_TEST(a_status_out_of_range_reads_as_an_internal_error)
{
    ck_int_eq(cs_status_exit((cs_status)99), 6);
    ck_assert_str_eq(cs_status_word((cs_status)99), "internal error");
    ck_int_eq(cs_status_from_word(NULL), CS_ST_COUNT);
    ck_int_eq(cs_status_from_word("no such word"), CS_ST_COUNT);
    ck_assert_str_eq(cs_status_phase_end((cs_status)99, 0), "error");
}
END_TEST

START_TEST(an_excerpt_cut_inside_a_character_starts_at_that_character)
{
    /* 30 letters, then "é" (2 bytes) at 30..31, then 30 more letters */
    char text[64], out[64];

    memset(text, 'a', 30);
    memcpy(text + 30, "\xc3\xa9", 2);
    memset(text + 32, 'b', 30);
    text[62] = 0;
    /* column 42: at 41, from 41 - 10 = 31 (inside the é: moved back to
     * 30), to 30 + 20 = 50: the é and 18 letters */
    ck_assert_str_eq(cs_say_excerpt(text, 42, 20, out, sizeof(out)), "...\xc3\xa9" "bbbbbbbbbbbbbbbbbb...");
    ck_assert_str_eq(cs_say_excerpt(text, 42, 20, out, 7), "");
    ck_assert_str_eq(cs_say_escaped("a\xff\\", out, sizeof(out)), "a\\xFF\\\\");
}
END_TEST

/* A name too long for its field (a frame's function or file) is cut at a
 * character, with "...", never inside one and never lost. */
START_TEST(a_name_cut_to_its_field_ends_on_a_character_with_dots)
{
    char out[8];

    ck_int_eq(cs_utf8_cut(out, sizeof(out), "abcdefg"), 0);           /* 7 bytes and the NUL: fits */
    ck_assert_str_eq(out, "abcdefg");
    ck_int_eq(cs_utf8_cut(out, sizeof(out), "abcdefgh"), 1);          /* one over */
    ck_assert_str_eq(out, "abcd...");
    ck_int_eq(cs_utf8_cut(out, sizeof(out), "abc\xc3\xa9xyz"), 1);   /* the é would end at byte 5 */
    ck_assert_str_eq(out, "abc...");
    ck_int_eq(cs_utf8_cut(out, sizeof(out), "ab\xc3\xa9wxyz"), 1);   /* it ends at byte 4: kept */
    ck_assert_str_eq(out, "ab\xc3\xa9...");
    ck_int_eq(cs_utf8_cut(out, 4, "\xf0\x9f\x98\x80!"), 1);         /* no room for any character */
    ck_assert_str_eq(out, "...");
    ck_int_eq(cs_utf8_cut(out, 3, "abc"), 1);                         /* no room even for the dots */
    ck_assert_str_eq(out, "");
    ck_assert_str_eq(cs_cut_frames("a (a.c:1) <- b (b.c:2)", out, 2), "");
}
END_TEST

/* A site too long for its field keeps the frames that fit whole. */
START_TEST(a_chain_of_frames_is_cut_between_frames)
{
    const char *chain = "AllocNote (widgets.c:40) <- WidgetBox_Remember (widgets.c:88) <- DispCallFunc (typelib.c:7)";
    char out[96];

    ck_assert_str_eq(cs_cut_frames(chain, out, sizeof(out)), chain);                 /* fits */
    /* the first two frames are 61 bytes: with " <- ..." and the NUL, 69 */
    ck_assert_str_eq(cs_cut_frames(chain, out, 68), "AllocNote (widgets.c:40) <- ...");
    ck_assert_str_eq(cs_cut_frames(chain, out, 69), "AllocNote (widgets.c:40) <- WidgetBox_Remember (widgets.c:88) <- ...");
    /* no join within reach: cut at a character, as a name is */
    ck_assert_str_eq(cs_cut_frames(chain, out, 20), "AllocNote (widge...");
    ck_assert_str_eq(cs_cut_frames("heap leak: 24 B per call of Remember(1), allocated in "
                                   "AllocNote (widgets.c:40) <- WidgetBox_Remember (widgets.c:88)", out, 90),
                     "heap leak: 24 B per call of Remember(1), allocated in AllocNote (widgets.c:40) <- ...");
}
END_TEST

/* A finding's site renamed in place (report DIR names the sites of a
 * run it rebuilds): the finding's words stay whole, the new chain takes
 * the room left and is cut between frames. */
START_TEST(a_site_renamed_in_a_finding_keeps_the_words_and_whole_frames)
{
    const char *finding = "heap leak: 24 B per call of Remember(1), allocated in widgets.dll+0x1a2b (raw)";
    const char *named = "AllocNote (widgets.c:40) <- WidgetBox_Remember (widgets.c:88) <- DispCallFunc (typelib.c:7)";
    char out[128];

    /* fits: replaced as it is, the words after it kept */
    ck_assert_str_eq(cs_replace_frames(finding, "widgets.dll+0x1a2b", "AllocNote (widgets.c:40)", out, sizeof(out)),
                     "heap leak: 24 B per call of Remember(1), allocated in AllocNote (widgets.c:40) (raw)");
    /* 54 bytes before, 6 after: 68 left, two frames and " <- ..." need 69 */
    ck_assert_str_eq(cs_replace_frames(finding, "widgets.dll+0x1a2b", named, out, 128),
                     "heap leak: 24 B per call of Remember(1), allocated in AllocNote (widgets.c:40) <- ... (raw)");
    ck_assert_str_eq(cs_replace_frames(finding, "widgets.dll+0x1a2b", named, out, 129),
                     "heap leak: 24 B per call of Remember(1), allocated in AllocNote (widgets.c:40) <- "
                     "WidgetBox_Remember (widgets.c:88) <- ... (raw)");
    /* no such site, or none named: the finding as it is */
    ck_assert_str_eq(cs_replace_frames(finding, "other.dll+0x10", named, out, sizeof(out)), finding);
    ck_assert_str_eq(cs_replace_frames(finding, "", named, out, sizeof(out)), finding);
    /* a field too small for the words: cut at a character, never past it */
    ck_assert_str_eq(cs_replace_frames(finding, "widgets.dll+0x1a2b", named, out, 24), "heap leak: 24 B per ...");
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(a_surrogate_pair_joins_and_a_lone_surrogate_becomes_u_fffd),
        CS_TEST(a_literal_u_fffd_is_valid_utf8_and_a_cut_sequence_is_not),
        CS_TEST(files_that_are_not_there_cannot_be_read_replaced_or_removed),
        CS_TEST(a_status_out_of_range_reads_as_an_internal_error),
        CS_TEST(an_excerpt_cut_inside_a_character_starts_at_that_character),
        CS_TEST(a_name_cut_to_its_field_ends_on_a_character_with_dots),
        CS_TEST(a_chain_of_frames_is_cut_between_frames),
        CS_TEST(a_site_renamed_in_a_finding_keeps_the_words_and_whole_frames),
        NULL
    };

    return cs_run_tests("text_edges", NULL, NULL, tests);
}
