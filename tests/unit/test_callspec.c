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

START_TEST(property_puts_parse)
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
    /* said whole: a UTF-8 character never cut in half, a control byte by its value */
    bad("Add(1) \xc3\xa9", "Add(1) \xc3\xa9: unexpected '\xc3\xa9' at column 8");
    bad("Add(1) \x01", "Add(1) \\x01: unexpected byte 0x01 at column 8");
    bad("Add(1) \xff", "Add(1) \\xFF: unexpected byte 0xFF at column 8");
    bad("Value=", "Value=: expected an argument at column 7");
    bad("F(1e)", "F(1e): malformed number at column 3");
    bad("F(1.2.3)", "F(1.2.3): malformed number at column 3");
    bad("F(0x)", "F(0x): expected hex digits at column 5");
    bad("F(99999999999999999999)", "F(99999999999999999999): integer out of range at column 3");
    bad("F(-)", "F(-): expected an argument at column 3");
    bad("F(1)(2)", "F(1)(2): unexpected '(' at column 5");
}
END_TEST

/* Numbers and dates at their limits: the largest and smallest 64-bit
 * integers and one past, in decimal and hex; a double past the range;
 * February 29th of leap and common years (the century rule both ways),
 * year 100 and 99, month, day, hour, minute and second one past. */
START_TEST(numbers_and_dates_at_their_limits)
{
    ok("F(9223372036854775807, -9223372036854775807, 0x7FFFFFFFFFFFFFFF, -0x1)");
    ck_assert(spec->args[0].i == 9223372036854775807LL);
    ck_assert(spec->args[1].i == -9223372036854775807LL);
    ck_assert(spec->args[2].i == 9223372036854775807LL);
    ck_assert(spec->args[3].i == -1);
    bad("F(9223372036854775808)", "F(9223372036854775808): integer out of range at column 3");
    bad("F(0x8000000000000000)", "F(0x8000000000000000): integer out of range at column 3");
    bad("F(1e999)", "F(1e999): number out of range at column 3");
    ok("F(#2024-02-29#, #2000-02-29#, #0100-01-01#, #2023-12-31 23:59:59#)");
    bad("F(#2023-02-29#)", "F(#2023-02-29#): date out of range at column 3");
    bad("F(#1900-02-29#)", "F(#1900-02-29#): date out of range at column 3");
    bad("F(#0099-12-31#)", "F(#0099-12-31#): date out of range at column 3");
    bad("F(#2024-13-01#)", "F(#2024-13-01#): date out of range at column 3");
    bad("F(#2024-00-01#)", "F(#2024-00-01#): date out of range at column 3");
    bad("F(#2024-04-31#)", "F(#2024-04-31#): date out of range at column 3");
    bad("F(#2024-04-00#)", "F(#2024-04-00#): date out of range at column 3");
    bad("F(#2024-01-01 24:00#)", "F(#2024-01-01 24:00#): date out of range at column 3");
    bad("F(#2024-01-01 23:60#)", "F(#2024-01-01 23:60#): date out of range at column 3");
    bad("F(#2024-01-01 23:59:60#)", "F(#2024-01-01 23:59:60#): date out of range at column 3");
    bad("F(#2024-01-01 1:5#)", "F(#2024-01-01 1:5#): malformed date (expected #yyyy-mm-dd# or "
        "#yyyy-mm-dd hh:mm:ss#) at column 3");
    bad("F(#2024-01-01 10:05:1#)", "F(#2024-01-01 10:05:1#): malformed date (expected #yyyy-mm-dd# or "
        "#yyyy-mm-dd hh:mm:ss#) at column 3");
    bad("F(#2024-01-01x#)", "F(#2024-01-01x#): malformed date (expected #yyyy-mm-dd# or "
        "#yyyy-mm-dd hh:mm:ss#) at column 3");
}
END_TEST

/* ---- second version: statements and scripts ------------------------ */

static cs_script *script;

static void script_teardown(void)
{
    cs_script_free(script);
    script = NULL;
}

/* Parses one valid lone statement (line 0) into a fresh script and
 * returns it. */
static const cs_stmt *st(const char *text)
{
    cs_script_free(script);
    script = cs_script_new();
    ck_assert_ptr_nonnull(script);
    ck_assert_msg(cs_script_add(script, text, 0, err, sizeof(err)) == 0, "'%s' refused: %s", text, err);
    ck_assert_uint_eq(script->count, 1);
    return &script->stmts[0];
}

/* Asserts the lone statement is refused with exactly the expected line. */
static void st_bad(const char *text, const char *expected)
{
    cs_script *s = cs_script_new();

    ck_assert_int_eq(cs_script_add(s, text, 0, err, sizeof(err)), -1);
    ck_assert_uint_eq(s->count, 0);
    ck_assert_uint_eq(s->nnames, 0);     /* names of a refused statement are forgotten */
    cs_script_free(s);
    ck_assert_str_eq(err, expected);
}

/* Asserts link i of the chain: member, kind, argument count, column. */
static void link_is(cs_callspec *const *calls, size_t i, const char *member, cs_callkind kind, size_t nargs,
                    int column)
{
    ck_assert_str_eq(calls[i]->member, member);
    ck_assert_int_eq(calls[i]->kind, kind);
    ck_assert_uint_eq(calls[i]->nargs, nargs);
    ck_assert_int_eq(calls[i]->column, column);
}

START_TEST(chains_call_members_on_results)
{
    const cs_stmt *s = st("CreateChild().Add(1)");

    ck_assert_int_eq(s->kind, CS_STMT_CALL);
    ck_assert_ptr_null(s->root);
    ck_assert_ptr_null(s->bind);
    ck_assert_uint_eq(s->ncalls, 2);
    link_is(s->calls, 0, "CreateChild", CS_CALL_METHOD, 0, 1);
    link_is(s->calls, 1, "Add", CS_CALL_METHOD, 1, 15);
    ck_assert_str_eq(s->calls[1]->text, "Add(1)");
    s = st("  Items . Item(2).Name  # the second name");
    ck_assert_str_eq(s->text, "Items . Item(2).Name");
    ck_assert_uint_eq(s->ncalls, 3);
    link_is(s->calls, 0, "Items", CS_CALL_GET, 0, 3);
    link_is(s->calls, 1, "Item", CS_CALL_METHOD, 1, 11);
    link_is(s->calls, 2, "Name", CS_CALL_GET, 0, 19);
    s = st("Items.Item('k').Value = 'v'");
    link_is(s->calls, 2, "Value", CS_CALL_PUT, 1, 17);
    ck_assert_str_eq(s->calls[2]->args[0].s, "v");
    ck_assert_str_eq(s->calls[2]->text, "Value = 'v'");
}
END_TEST

START_TEST(names_bind_results_and_values)
{
    const cs_stmt *s = st("@c = CreateChild()");

    ck_assert_str_eq(s->bind, "c");
    ck_assert_ptr_null(s->root);
    ck_assert_ptr_null(s->value);
    link_is(s->calls, 0, "CreateChild", CS_CALL_METHOD, 0, 6);
    s = st("@c.Add(1)");
    ck_assert_ptr_null(s->bind);
    ck_assert_str_eq(s->root, "c");
    link_is(s->calls, 0, "Add", CS_CALL_METHOD, 1, 4);
    s = st("@n = -5");
    ck_assert_uint_eq(s->ncalls, 0);
    ck_assert_int_eq(s->value->kind, CS_ARG_INT);
    ck_assert_int_eq(s->value->i, -5);
    s = st("@t = TRUE");
    ck_assert_int_eq(s->value->kind, CS_ARG_BOOL);
    s = st("@t = True()");                 /* a call: parentheses make it one */
    ck_assert_ptr_null(s->value);
    link_is(s->calls, 0, "True", CS_CALL_METHOD, 0, 6);
    s = st("@b = @c");
    ck_assert_str_eq(s->bind, "b");
    ck_assert_str_eq(s->root, "c");
    ck_assert_uint_eq(s->ncalls, 0);
    ck_assert_uint_eq(script->nnames, 2);
    ck_assert_str_eq(script->names[0], "b");
    ck_assert_str_eq(script->names[1], "c");
}
END_TEST

START_TEST(each_walks_a_collection)
{
    const cs_stmt *s = st("each Items");

    ck_assert_int_eq(s->kind, CS_STMT_EACH);
    ck_assert_uint_eq(s->ncalls, 1);
    ck_assert_uint_eq(s->nitem, 0);
    link_is(s->calls, 0, "Items", CS_CALL_GET, 0, 6);
    s = st("EACH @c.Items : Child().Name");
    ck_assert_str_eq(s->root, "c");
    ck_assert_uint_eq(s->ncalls, 1);
    ck_assert_uint_eq(s->nitem, 2);
    link_is(s->item, 0, "Child", CS_CALL_METHOD, 0, 17);
    link_is(s->item, 1, "Name", CS_CALL_GET, 0, 25);
    s = st("each @obj");
    ck_assert_str_eq(s->root, "obj");
    ck_assert_uint_eq(s->ncalls, 0);
    /* members named like keywords stay callable */
    s = st("Each(1)");
    ck_assert_int_eq(s->kind, CS_STMT_CALL);
    link_is(s->calls, 0, "Each", CS_CALL_METHOD, 1, 1);
    s = st("each");
    link_is(s->calls, 0, "each", CS_CALL_GET, 0, 1);
    s = st("Each = 2");
    link_is(s->calls, 0, "Each", CS_CALL_PUT, 1, 1);
    /* each clone: a Clone of the enumerator is walked */
    s = st("each clone Items: Name");
    ck_assert_int_eq(s->kind, CS_STMT_EACH);
    ck_assert_int_eq(s->clone, 1);
    link_is(s->calls, 0, "Items", CS_CALL_GET, 0, 12);
    link_is(s->item, 0, "Name", CS_CALL_GET, 0, 19);
    s = st("EACH Clone @c");
    ck_assert_int_eq(s->clone, 1);
    ck_assert_str_eq(s->root, "c");
    s = st("each Clone");
    ck_assert_int_eq(s->clone, 0);
    link_is(s->calls, 0, "Clone", CS_CALL_GET, 0, 6);
    s = st("each Clone.Items");
    ck_assert_int_eq(s->clone, 0);
    ck_assert_uint_eq(s->ncalls, 2);
}
END_TEST

START_TEST(advise_and_unadvise)
{
    const cs_stmt *s = st("advise @c");

    ck_assert_int_eq(s->kind, CS_STMT_ADVISE);
    ck_assert_str_eq(s->root, "c");
    ck_assert_int_eq(s->weak, 0);
    s = st("Advise WEAK @src");
    ck_assert_int_eq(s->kind, CS_STMT_ADVISE);
    ck_assert_str_eq(s->root, "src");
    ck_assert_int_eq(s->weak, 1);
    s = st("unadvise @c # done");
    ck_assert_int_eq(s->kind, CS_STMT_UNADVISE);
    ck_assert_str_eq(s->text, "unadvise @c");
    s = st("Advise");
    ck_assert_int_eq(s->kind, CS_STMT_CALL);
    s = st("advise(@c)");
    ck_assert_int_eq(s->kind, CS_STMT_CALL);
    ck_assert_int_eq(s->calls[0]->args[0].kind, CS_ARG_REF);
}
END_TEST

START_TEST(named_and_omitted_arguments)
{
    const cs_stmt *s = st("Open('x', ReadOnly := true, mode:=2)");
    const cs_arg *a = s->calls[0]->args;

    ck_assert_uint_eq(s->calls[0]->nargs, 3);
    ck_assert_uint_eq(s->calls[0]->nnamed, 2);
    ck_assert_ptr_null(a[0].name);
    ck_assert_str_eq(a[1].name, "ReadOnly");
    ck_assert_int_eq(a[1].kind, CS_ARG_BOOL);
    ck_assert_int_eq(a[1].column, 11);
    ck_assert_str_eq(a[2].name, "mode");
    ck_assert_int_eq(a[2].i, 2);
    ck_assert(cs_callspec_rich(s->calls[0]));
    s = st("Range(1,,3)");
    a = s->calls[0]->args;
    ck_assert_uint_eq(s->calls[0]->nargs, 3);
    ck_assert_int_eq(a[1].kind, CS_ARG_MISSING);
    ck_assert_int_eq(a[1].column, 9);
    s = st("Range( , ,3)");
    ck_assert_int_eq(s->calls[0]->args[0].kind, CS_ARG_MISSING);
    ck_assert_int_eq(s->calls[0]->args[1].kind, CS_ARG_MISSING);
    ck_assert_int_eq(s->calls[0]->args[2].i, 3);
    s = st("Add(1)");
    ck_assert(!cs_callspec_rich(s->calls[0]));
}
END_TEST

START_TEST(arrays_dates_and_outputs)
{
    const cs_stmt *s = st("F([1, 'a', 2.5], [], [[0x10], @o])");
    const cs_arg *a = s->calls[0]->args;

    ck_assert_int_eq(a[0].kind, CS_ARG_ARRAY);
    ck_assert_uint_eq(a[0].nitems, 3);
    ck_assert_int_eq(a[0].items[0].i, 1);
    ck_assert_str_eq(a[0].items[1].s, "a");
    ck_assert(a[0].items[2].d == 2.5);
    ck_assert_uint_eq(a[1].nitems, 0);
    ck_assert_int_eq(a[2].items[0].kind, CS_ARG_ARRAY);
    ck_assert_int_eq(a[2].items[0].items[0].i, 16);
    ck_assert_str_eq(a[2].items[1].s, "o");
    ck_assert_uint_eq(cs_callspec_refs(s->calls[0]), 0);   /* only top-level @refs count */
    s = st("When(#2026-11-25#, #2026-11-25 18:00#, #1899-12-29T06:00#, #1900-01-01 00:00:36#, #0100-01-01#)");
    a = s->calls[0]->args;
    ck_assert_int_eq(a[0].kind, CS_ARG_DATE);
    ck_assert(a[0].d == 46351.0);
    ck_assert(a[1].d == 46351.75);
    ck_assert(a[2].d == -1.25);
    ck_assert(a[3].d == 2.0 + 36.0 / 86400.0);
    ck_assert(a[4].d == -657434.0);                      /* the first day a DATE can hold */
    s = st("GetPair(out @a, Second := OUT @b)");
    a = s->calls[0]->args;
    ck_assert_int_eq(a[0].kind, CS_ARG_OUT);
    ck_assert_str_eq(a[0].s, "a");
    ck_assert_int_eq(a[1].kind, CS_ARG_OUT);
    ck_assert_str_eq(a[1].name, "Second");
    ck_assert_int_eq(a[1].column, 17);
    ck_assert_uint_eq(script->nnames, 2);
}
END_TEST
START_TEST(scripts_keep_line_numbers)
{
    static const char text[] =
        "# a comment line\r\n"
        "\n"
        "@c = CreateChild()   # trailing comment\r\n"
        "   \t\n"
        "@c.Echo('# not a comment')\n"
        "@c.When(#2026-01-02#) # a date, then a comment\n"
        "each @c.Items: Name";

    ck_assert_int_eq(cs_script_parse(text, &script, err, sizeof(err)), 0);
    ck_assert_uint_eq(script->count, 4);
    ck_assert_int_eq(script->stmts[0].line, 3);
    ck_assert_str_eq(script->stmts[0].text, "@c = CreateChild()");
    ck_assert_int_eq(script->stmts[1].line, 5);
    ck_assert_str_eq(script->stmts[1].calls[0]->args[0].s, "# not a comment");
    ck_assert_int_eq(script->stmts[2].line, 6);
    ck_assert_str_eq(script->stmts[2].text, "@c.When(#2026-01-02#)");
    ck_assert_int_eq(script->stmts[3].line, 7);
    ck_assert_int_eq(script->stmts[3].kind, CS_STMT_EACH);
    ck_assert_uint_eq(script->nnames, 1);
    script_teardown();
    ck_assert_int_eq(cs_script_parse("", &script, err, sizeof(err)), 0);
    ck_assert_uint_eq(script->count, 0);
    script_teardown();
    ck_assert_int_eq(cs_script_parse("Add(1)\n\nAdd(1,\nAdd(2)", &script, err, sizeof(err)), -1);
    ck_assert_ptr_null(script);
    ck_assert_str_eq(err, "line 3: Add(1,: expected an argument at column 7");
}
END_TEST

/* Every refused lone statement names the column and what was expected. */
static const struct { const char *text, *expected; } bad_statements[] = {
    { "Add(1,", "Add(1,: expected an argument at column 7" },
    { "Add(1 # comment", "Add(1 # comment: missing ')' at column 7" },
    { "@c", "@c: expected '.' or '=' after '@c' at column 3" },
    { "@c.", "@c.: expected a member name at column 4" },
    { "@c..Add(1)", "@c..Add(1): expected a member name at column 4" },
    { "@ = 1", "@ = 1: expected a reference name after '@' at column 2" },
    { "@c = ", "@c = : expected an argument at column 6" },
    { "@c = Value = 5", "@c = Value = 5: unexpected '=' at column 12" },
    { "F(a:=1, 2)", "F(a:=1, 2): positional argument after a named one at column 9" },
    { "F(a:=1, )", "F(a:=1, ): positional argument after a named one at column 9" },
    { "F(a:=1, A:=2)", "F(a:=1, A:=2): argument 'A' named twice at column 9" },
    { "F(a:=)", "F(a:=): expected an argument at column 6" },
    { "F(out 1)", "F(out 1): expected '@name' after 'out' at column 7" },
    { "F(out @)", "F(out @): expected a reference name after '@' at column 8" },
    { "F([1, 2)", "F([1, 2): expected ',' or ']' at column 8" },
    { "F([1", "F([1: missing ']' at column 5" },
    { "F([1,])", "F([1,]): expected an argument at column 6" },
    { "F([out @a])", "F([out @a]): unknown word 'out' (strings need quotes) at column 4" },
    { "F([[[[[1]]]]])", "F([[[[[1]]]]]): arrays nested too deeply (at most 4 levels) at column 7" },
    { "F(#2026-13-01#)", "F(#2026-13-01#): date out of range at column 3" },
    { "F(#2026-02-29#)", "F(#2026-02-29#): date out of range at column 3" },
    { "F(#0099-12-31#)", "F(#0099-12-31#): date out of range at column 3" },
    { "F(#2026-01-01 24:00#)", "F(#2026-01-01 24:00#): date out of range at column 3" },
    { "F(#2026-1-1)", "F(#2026-1-1): malformed date (expected #yyyy-mm-dd# or #yyyy-mm-dd hh:mm:ss#) at column 3" },
    { "F(#26-01-01#)", "F(#26-01-01#): malformed date (expected #yyyy-mm-dd# or #yyyy-mm-dd hh:mm:ss#) at column 3" },
    { "F(#2026-01-01 1:2#)", "F(#2026-01-01 1:2#): malformed date (expected #yyyy-mm-dd# or #yyyy-mm-dd hh:mm:ss#) at column 3" },
    { "each @c:", "each @c:: expected a member name at column 9" },
    { "each @c: @d", "each @c: @d: expected a member name at column 10" },
    { "each Items x", "each Items x: unexpected 'x' at column 12" },
    { "advise Items", "advise Items: expected '@name' after 'advise' at column 8" },
    { "advise weak Items", "advise weak Items: expected '@name' after 'weak' at column 13" },
    { "unadvise weak @c", "unadvise weak @c: expected '@name' after 'unadvise' at column 10" },
    { "advise @c.Items", "advise @c.Items: unexpected '.' at column 10" },
    { "A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P.Q", "A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P.Q: chain too long (at most 16 calls) at column 33" },
    { "@a_very_long_name_that_goes_on_and_on_past_the_limit_of_sixty_four_chars = 1",
      "@a_very_long_name_that_goes_on_and_on_past_the_limit_of_sixty_four_chars = 1: "
      "name too long (at most 64 characters) at column 2" },
};

START_TEST(bad_statements_name_the_column)
{
    size_t i;

    for (i = 0; i < sizeof(bad_statements) / sizeof(bad_statements[0]); i++)
        st_bad(bad_statements[i].text, bad_statements[i].expected);
}
END_TEST

START_TEST(limits_are_errors_not_work)
{
    static char big[CS_MAX_STATEMENT + 64];
    char line[64];
    int i;

    /* an array one element too long */
    strcpy(big, "F([");
    for (i = 0; i < CS_MAX_ARRAY + 1; i++)
        strcat(big, i ? ",1" : "1");
    strcat(big, "])");
    script = cs_script_new();
    ck_assert_int_eq(cs_script_add(script, big, 4, err, sizeof(err)), -1);
    /* shortened around the column it names, which stays in view */
    ck_assert_msg(strstr(err, "1,1]): too many array elements (at most 256) at column 516"), "got %s", err);
    ck_assert_msg(!strncmp(err, "line 4: ...1,1,", 15), "got %s", err);
    /* a statement over the length limit: no text in the message */
    memset(big, 'A', CS_MAX_STATEMENT + 1);
    big[CS_MAX_STATEMENT + 1] = 0;
    ck_assert_int_eq(cs_script_add(script, big, 9, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "line 9: statement too long (at most 4096 characters)");
    memcpy(big, "Echo('", 6);
    memcpy(big + CS_MAX_STATEMENT - 2, "')", 3);      /* exactly at the limit */
    ck_assert_int_eq(cs_script_add(script, big, 9, err, sizeof(err)), 0);
    /* hostile nesting stops at the limit, long before any stack trouble */
    memset(big, '[', CS_MAX_STATEMENT);
    memcpy(big, "F(", 2);
    big[CS_MAX_STATEMENT] = 0;
    ck_assert_int_eq(cs_script_add(script, big, 1, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "arrays nested too deeply (at most 4 levels) at column 7"), "got %s", err);
    /* the 33rd name */
    script_teardown();
    script = cs_script_new();
    for (i = 0; i < CS_MAX_NAMES; i++) {
        /* "@nI = 1" */
        strcpy(line, "@n");
        line[2] = (char)('0' + i / 10);
        line[3] = (char)('0' + i % 10);
        strcpy(line + 4, " = 1");
        ck_assert_int_eq(cs_script_add(script, line, i + 1, err, sizeof(err)), 0);
    }
    ck_assert_int_eq(cs_script_add(script, "@n00 = F(@n01, out @x)", 40, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "line 40: @n00 = F(@n01, out @x): too many names (at most 32) at column 20");
    ck_assert_uint_eq(script->nnames, CS_MAX_NAMES);
    /* statements: at most CS_MAX_STATEMENTS */
    for (i = (int)script->count; i < CS_MAX_STATEMENTS; i++)
        ck_assert_int_eq(cs_script_add(script, "Add(1)", i + 1, err, sizeof(err)), 0);
    ck_assert_int_eq(cs_script_add(script, "   Add(1)", 1025, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "line 1025:    Add(1): too many statements (at most 1024) at column 4");
    ck_assert_int_eq(cs_script_add(script, "# comments still fine", 1026, err, sizeof(err)), 0);
}
END_TEST

START_TEST(first_version_entry_stays_strict)
{
    bad("A.B", "A.B: unexpected '.' at column 2");
    bad("Range(1,,3)", "Range(1,,3): expected an argument at column 9");
    bad("Add(1) # note", "Add(1) # note: unexpected '#' at column 8");
    bad("@c = F()", "@c = F(): expected a member name at column 1");
    bad("each Items", "each Items: unexpected 'I' at column 6");
    ok("Open('x', ReadOnly:=true, At:=#2026-11-25#, List:=[1,2], Out:=out @o)");
    ck_assert_uint_eq(spec->nnamed, 4);
    ck_assert_int_eq(spec->args[4].kind, CS_ARG_OUT);
    ck_assert_int_eq(spec->column, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("callspec");
    TCase *tc = tcase_create("parse");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, bare_name_is_get);
    tcase_add_test(tc, method_without_args);
    tcase_add_test(tc, integers);
    tcase_add_test(tc, doubles);
    tcase_add_test(tc, strings);
    tcase_add_test(tc, keywords_and_refs);
    tcase_add_test(tc, property_puts_parse);
    tcase_add_test(tc, bad_text_names_the_column);
    tcase_add_test(tc, numbers_and_dates_at_their_limits);
    tcase_add_test(tc, first_version_entry_stays_strict);
    suite_add_tcase(s, tc);
    tc = tcase_create("statements");
    tcase_add_checked_fixture(tc, NULL, script_teardown);
    tcase_add_test(tc, chains_call_members_on_results);
    tcase_add_test(tc, names_bind_results_and_values);
    tcase_add_test(tc, each_walks_a_collection);
    tcase_add_test(tc, advise_and_unadvise);
    tcase_add_test(tc, named_and_omitted_arguments);
    tcase_add_test(tc, arrays_dates_and_outputs);
    tcase_add_test(tc, scripts_keep_line_numbers);
    tcase_add_test(tc, bad_statements_name_the_column);
    tcase_add_test(tc, limits_are_errors_not_work);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}
