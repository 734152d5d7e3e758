/* The call text parser (client/callspec.c): pure, no COM. */
#include "cs_unit.h"
#include "callspec.h"
#include <string.h>

static cs_callspec *spec;
static char err[256];

static void teardown(void)
{
    cs_callspec_free(spec);
    spec = NULL;
}

/* Parses text that must be valid. */
static void ok(const char *text)
{
    cs_callspec_free(spec);
    spec = NULL;
    ck_assert_msg(cs_callspec_parse(text, &spec, err, sizeof(err)) == 0, "'%s' refused: %s", text, err);
    ck_assert_ptr_nonnull(spec);
    ck_assert_str_eq(spec->text, text);
}

/* Parses text that must be refused with exactly the expected message. */
static void bad(const char *text, const char *expected)
{
    cs_callspec *s = (cs_callspec *)1;
    ck_assert_int_eq(cs_callspec_parse(text, &s, err, sizeof(err)), -1);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(err, expected);
}

START_TEST(bare_name_is_get)
{
    ok("Value");
    ck_assert_str_eq(spec->member, "Value");
    ck_assert_int_eq(spec->kind, CS_CALL_GET);
    ck_assert_uint_eq(spec->nargs, 0);
    ok("  _x9  ");
    ck_assert_str_eq(spec->member, "_x9");
}
END_TEST

START_TEST(method_without_args)
{
    ok("CreateChild()");
    ck_assert_int_eq(spec->kind, CS_CALL_METHOD);
    ck_assert_uint_eq(spec->nargs, 0);
    ok("CreateChild ( )");
    ck_assert_int_eq(spec->kind, CS_CALL_METHOD);
}
END_TEST

START_TEST(integers)
{
    ok("Add(1, -12, 0x1F, 0xFFFFFFFF, 2147483648, +3, 0x100000000)");
    ck_assert_uint_eq(spec->nargs, 7);
    ck_assert_int_eq(spec->args[0].kind, CS_ARG_INT);
    ck_assert_int_eq(spec->args[0].i, 1);
    ck_assert_int_eq(spec->args[1].i, -12);
    ck_assert_int_eq(spec->args[2].i, 31);
    ck_assert_int_eq(spec->args[3].i, -1);
    ck_assert_int_eq(spec->args[4].i, 2147483648LL);
    ck_assert_int_eq(spec->args[5].i, 3);
    ck_assert_int_eq(spec->args[6].i, 0x100000000LL);
    ck_assert_int_eq(spec->args[1].column, 8);
}
END_TEST

START_TEST(doubles)
{
    ok("Divide(1.5,-2e3,.25,1E+2)");
    ck_assert_int_eq(spec->args[0].kind, CS_ARG_DOUBLE);
    ck_assert(spec->args[0].d == 1.5);
    ck_assert(spec->args[1].d == -2000.0);
    ck_assert(spec->args[2].d == 0.25);
    ck_assert(spec->args[3].d == 100.0);
}
END_TEST

START_TEST(strings)
{
    ok("Echo('it''s', \"say \"\"hi\"\"\", '', 'a,b)', \"\xc3\xa9\")");
    ck_assert_uint_eq(spec->nargs, 5);
    ck_assert_int_eq(spec->args[0].kind, CS_ARG_STRING);
    ck_assert_str_eq(spec->args[0].s, "it's");
    ck_assert_str_eq(spec->args[1].s, "say \"hi\"");
    ck_assert_str_eq(spec->args[2].s, "");
    ck_assert_str_eq(spec->args[3].s, "a,b)");
    ck_assert_str_eq(spec->args[4].s, "\xc3\xa9");
}
END_TEST

START_TEST(keywords_and_refs)
{
    ok("F(true, FALSE, Null, empty, @obj, @_sink2)");
    ck_assert_int_eq(spec->args[0].kind, CS_ARG_BOOL);
    ck_assert_int_eq(spec->args[0].i, 1);
    ck_assert_int_eq(spec->args[1].kind, CS_ARG_BOOL);
    ck_assert_int_eq(spec->args[1].i, 0);
    ck_assert_int_eq(spec->args[2].kind, CS_ARG_NULL);
    ck_assert_int_eq(spec->args[3].kind, CS_ARG_EMPTY);
    ck_assert_int_eq(spec->args[4].kind, CS_ARG_REF);
    ck_assert_str_eq(spec->args[4].s, "obj");
    ck_assert_str_eq(spec->args[5].s, "_sink2");
    ck_assert_uint_eq(cs_callspec_refs(spec), 2);
}
END_TEST

START_TEST(puts)
{
    ok("Value=5");
    ck_assert_int_eq(spec->kind, CS_CALL_PUT);
    ck_assert_uint_eq(spec->nargs, 1);
    ck_assert_int_eq(spec->args[0].i, 5);
    ok("Item('k') = 'v'");
    ck_assert_int_eq(spec->kind, CS_CALL_PUT);
    ck_assert_str_eq(spec->member, "Item");
    ck_assert_uint_eq(spec->nargs, 2);
    ck_assert_str_eq(spec->args[0].s, "k");
    ck_assert_str_eq(spec->args[1].s, "v");
}
END_TEST

START_TEST(bad_text_names_the_column)
{
    bad("Add(1,", "Add(1,: expected an argument at column 7");
    bad("", ": expected a member name at column 1");
    bad("1Add", "1Add: expected a member name at column 1");
    bad("Add(1", "Add(1: missing ')' at column 6");
    bad("Add(1 2)", "Add(1 2): expected ',' or ')' at column 7");
    bad("Add(,1)", "Add(,1): expected an argument at column 5");
    bad("Echo('abc)", "Echo('abc): unterminated string at column 6");
    bad("F(@)", "F(@): expected a reference name after '@' at column 4");
    bad("F(abc)", "F(abc): unknown word 'abc' (strings need quotes) at column 3");
    bad("Add(1) x", "Add(1) x: unexpected 'x' at column 8");
    bad("Value=", "Value=: expected an argument at column 7");
    bad("F(1e)", "F(1e): malformed number at column 3");
    bad("F(1.2.3)", "F(1.2.3): malformed number at column 3");
    bad("F(0x)", "F(0x): expected hex digits at column 5");
    bad("F(99999999999999999999)", "F(99999999999999999999): integer out of range at column 3");
    bad("F(-)", "F(-): expected an argument at column 3");
    bad("F(1)(2)", "F(1)(2): unexpected '(' at column 5");
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(bare_name_is_get), CS_TEST(method_without_args), CS_TEST(integers),
        CS_TEST(doubles), CS_TEST(strings), CS_TEST(keywords_and_refs), CS_TEST(puts),
        CS_TEST(bad_text_names_the_column), NULL
    };

    return cs_run_tests("callspec", NULL, teardown, tests);
}
