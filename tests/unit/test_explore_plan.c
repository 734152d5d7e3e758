/* Unit tests of explore's pure part (core/explore): the argument table,
 * each member's statements, globs and the default skip list, member
 * selection, the plan (parsed back by the call language), run.json read
 * back, and the map's order and lines. */
#include "cs_unit.h"
#include "explore.h"
#include "callspec.h"
#include "options.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char buf[4096], why[CS_XWHY_LEN];

static cs_xmember member(const char *name, cs_xkind kind, const char *prefix)
{
    cs_xmember m;

    memset(&m, 0, sizeof(m));
    snprintf(m.name, sizeof(m.name), "%s", name);
    snprintf(m.prefix, sizeof(m.prefix), "%s", prefix);
    snprintf(m.path, sizeof(m.path), "%s%s%s", prefix, *prefix ? "." : "", name);
    m.kind = kind;
    return m;
}

static void param(cs_xmember *m, cs_xtype t, int out, int in, int optional)
{
    cs_xparam *p = &m->params[m->nparams++];

    p->type = t;
    p->elem = CS_XT_VARIANT;
    p->out = out;
    p->in = in;
    p->optional = optional;
    snprintf(p->type_text, sizeof(p->type_text), "type %d", (int)t);
}

START_TEST(each_type_gets_the_argument_of_the_table)
{
    char b[64];

    ck_assert_str_eq(cs_xarg_text(CS_XT_INT, 0, b, sizeof(b)), "1");
    ck_assert_str_eq(cs_xarg_text(CS_XT_FLOAT, 0, b, sizeof(b)), "1.5");
    ck_assert_str_eq(cs_xarg_text(CS_XT_STRING, 0, b, sizeof(b)), "'x'");
    ck_assert_str_eq(cs_xarg_text(CS_XT_BOOL, 0, b, sizeof(b)), "true");
    ck_assert_str_eq(cs_xarg_text(CS_XT_DATE, 0, b, sizeof(b)), "#2001-02-03 04:05:06#");
    ck_assert_str_eq(cs_xarg_text(CS_XT_VARIANT, 0, b, sizeof(b)), "'x'");
    ck_assert_str_eq(cs_xarg_text(CS_XT_OBJECT, 0, b, sizeof(b)), "@obj");
    ck_assert_str_eq(cs_xarg_text(CS_XT_ARRAY, CS_XT_INT, b, sizeof(b)), "[1]");
    ck_assert_str_eq(cs_xarg_text(CS_XT_ARRAY, CS_XT_STRING, b, sizeof(b)), "['x']");
    ck_assert_ptr_null(cs_xarg_text(CS_XT_ARRAY, CS_XT_ARRAY, b, sizeof(b)));
    ck_assert_ptr_null(cs_xarg_text(CS_XT_UNSUPPORTED, 0, b, sizeof(b)));
}
END_TEST

START_TEST(a_method_omits_trailing_optional_arguments_and_keeps_inner_ones_empty)
{
    cs_xmember m = member("Range", CS_XK_METHOD, "");

    param(&m, CS_XT_INT, 0, 0, 0);
    param(&m, CS_XT_INT, 0, 0, 1);
    param(&m, CS_XT_VARIANT, 0, 0, 1);
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "Range(1)\n");
    m.params[2].optional = 0;
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "Range(1, , 'x')\n");
}
END_TEST

START_TEST(in_out_arguments_hold_a_value_first_and_out_ones_do_not)
{
    cs_xmember m = member("GetPair", CS_XK_METHOD, "");

    param(&m, CS_XT_VARIANT, 1, 1, 0);
    param(&m, CS_XT_INT, 1, 0, 0);
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "@a1 = 'x'\nGetPair(out @a1, out @a2)\n");
}
END_TEST

START_TEST(a_put_is_a_round_trip_when_the_member_has_a_get_else_the_table_value)
{
    cs_xmember m = member("Name", CS_XK_PUT, "Items.Item(1)");

    param(&m, CS_XT_STRING, 0, 0, 0);
    m.has_get = 1;
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "@v = Items.Item(1).Name\nItems.Item(1).Name = @v\n");
    m.has_get = 0;
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "Items.Item(1).Name = 'x'\n");
    m = member("Item", CS_XK_PUT, "");
    param(&m, CS_XT_VARIANT, 0, 0, 0);
    param(&m, CS_XT_INT, 0, 0, 0);
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "Item('x') = 1\n");
}
END_TEST

START_TEST(an_enumerator_is_walked_with_each_on_its_object)
{
    cs_xmember m = member("_NewEnum", CS_XK_NEWENUM, "Items");

    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "each Items\n");
    m = member("_NewEnum", CS_XK_NEWENUM, "");
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "each @obj\n");
    ck_assert_str_eq(cs_xmember_label(&m, buf, sizeof(buf)), "_NewEnum");
    m = member("_NewEnum", CS_XK_EACH_CLONE, "Items");
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "each clone Items\n");
    ck_assert_str_eq(cs_xmember_label(&m, buf, sizeof(buf)), "Items._NewEnum (clone)");
}
END_TEST

START_TEST(events_are_advised_then_unadvised_or_advised_weak_and_left)
{
    cs_xmember m = member("events", CS_XK_ADVISE, "");

    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "advise @obj\nunadvise @obj\n");
    ck_assert_str_eq(cs_xmember_label(&m, buf, sizeof(buf)), "events (advise, unadvise)");
    m = member("events", CS_XK_ADVISE_WEAK, "CreateChild");
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "@e = CreateChild\nadvise weak @e\n");
    ck_assert_str_eq(cs_xmember_label(&m, buf, sizeof(buf)), "CreateChild.events (advise weak, never unadvised)");
}
END_TEST

START_TEST(an_argument_the_language_cannot_pass_says_which_and_its_type)
{
    cs_xmember m = member("Store", CS_XK_METHOD, "");

    param(&m, CS_XT_INT, 0, 0, 0);
    param(&m, CS_XT_UNSUPPORTED, 0, 0, 0);
    snprintf(m.params[1].type_text, sizeof(m.params[1].type_text), "POINT");
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), -1);
    ck_assert_str_eq(why, "argument 2 is of a type the call language cannot pass (POINT)");
}
END_TEST

START_TEST(globs_match_case_insensitively_with_stars_and_question_marks)
{
    ck_assert(cs_xglob("Delete*", "deletefile"));
    ck_assert(cs_xglob("Create*File*", "CreateTextFile"));
    ck_assert(!cs_xglob("Create*File*", "CreateChild"));
    ck_assert(cs_xglob("*", ""));
    ck_assert(cs_xglob("It?ms.*", "Items.Count"));
    ck_assert(!cs_xglob("Quit", "Quitter"));
    ck_assert(cs_xglob("a*b*c", "axxbyyc"));
    ck_assert(!cs_xglob("a*b*c", "axxbyy"));
}
END_TEST

START_TEST(the_default_skip_list_names_members_that_destroy_or_leave)
{
    ck_assert_str_eq(cs_xdefault_skip("RemoveAll"), "Remove*");
    ck_assert_str_eq(cs_xdefault_skip("Quit"), "Quit");
    ck_assert_str_eq(cs_xdefault_skip("CreateTextFile"), "Create*File*");
    ck_assert_ptr_null(cs_xdefault_skip("CreateChild"));
    ck_assert_ptr_null(cs_xdefault_skip("Runner"));
    ck_assert_ptr_null(cs_xdefault_skip("Add"));
    ck_assert_msg(strstr(cs_xdefault_skip_text(), "Delete*, Remove*") != NULL, "%s", cs_xdefault_skip_text());
}
END_TEST

/* Add, Remove, Items.Count, Items.Remove. */
static void four(cs_xmember *m)
{
    m[0] = member("Add", CS_XK_METHOD, "");
    m[1] = member("Remove", CS_XK_METHOD, "");
    m[2] = member("Count", CS_XK_GET, "Items");
    m[3] = member("Remove", CS_XK_METHOD, "Items");
}

START_TEST(the_skip_list_is_lifted_only_by_naming_a_member_in_members)
{
    cs_xmember m[4];
    const char *star[] = { "*" }, *named[] = { "Items.Remove" }, *skip[] = { "Items.*" };

    four(m);
    ck_int_eq(cs_xselect(m, 4, NULL, 0, NULL, 0, buf, sizeof(buf)), 0);
    ck_int_eq(m[0].skipped + 2 * m[1].skipped + 4 * m[2].skipped + 8 * m[3].skipped, 2 + 8);
    ck_assert_str_eq(m[1].skip_why, "default skip list (Remove*): name it in --members to explore it");
    ck_int_eq(cs_xselect(m, 4, star, 1, NULL, 0, buf, sizeof(buf)), 0);
    ck_int_eq(m[0].skipped + 2 * m[1].skipped + 4 * m[2].skipped + 8 * m[3].skipped, 2 + 8);
    ck_int_eq(cs_xselect(m, 4, named, 1, NULL, 0, buf, sizeof(buf)), 0);
    ck_int_eq(m[0].skipped + 2 * m[1].skipped + 4 * m[2].skipped + 8 * m[3].skipped, 1 + 2 + 4);
    ck_int_eq(cs_xselect(m, 4, NULL, 0, skip, 1, buf, sizeof(buf)), 0);
    ck_int_eq(m[0].skipped + 2 * m[1].skipped + 4 * m[2].skipped + 8 * m[3].skipped, 2 + 4 + 8);
    ck_assert_str_eq(m[2].skip_why, "--skip Items.*");
}
END_TEST

START_TEST(a_members_pattern_that_matches_nothing_is_refused_by_name)
{
    cs_xmember m[4];
    const char *pats[] = { "Add", "Frobnicate*" };

    four(m);
    ck_int_eq(cs_xselect(m, 4, pats, 2, NULL, 0, buf, sizeof(buf)), -1);
    ck_assert_str_eq(buf, "--members: 'Frobnicate*' matches no member (comstress list members shows them)");
}
END_TEST

START_TEST(a_glob_list_is_split_at_commas_and_an_empty_pattern_refused)
{
    const char *pats[CS_XMAX_GLOBS];
    char copy[256];

    ck_int_eq(cs_xglob_split("--members", "Add,Items.*,E?ho", copy, sizeof(copy), pats, buf, sizeof(buf)), 3);
    ck_assert_str_eq(pats[1], "Items.*");
    ck_int_eq(cs_xglob_split("--skip", "Add,,Echo", copy, sizeof(copy), pats, buf, sizeof(buf)), -1);
    ck_assert_str_eq(buf, "--skip: 'Add,,Echo' has an empty pattern");
}
END_TEST

START_TEST(the_plan_is_a_script_the_call_language_parses)
{
    cs_xmember m[4];
    cs_script *script = NULL;
    const char *path = "test_explore_plan.txt";
    FILE *f = fopen(path, "wb");
    char *text;

    four(m);
    param(&m[0], CS_XT_INT, 0, 0, 0);
    cs_xselect(m, 4, NULL, 0, NULL, 0, buf, sizeof(buf));
    ck_int_eq(cs_xplan_write(f, "ComStress.Target", m, 4), 0);
    fclose(f);
    ck_assert_ptr_nonnull(text = cs_read_file(path));
    remove(path);
    ck_assert_msg(strstr(text, "# member Add\nAdd(1)\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "# member Remove: left out (default skip list (Remove*)") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "# member Items.Count\nItems.Count\n") != NULL, "%s", text);
    ck_int_eq(cs_script_parse(text, &script, buf, sizeof(buf)), 0);
    cs_script_free(script);
    free(text);
}
END_TEST

static const char run_json[] =
    "{\"schema_version\": 1, \"runs\": [{\"name\": \"run/type\", \"error\": null,\n"
    " \"verdicts\": {\"heap_bytes\": {\"verdict\": \"leak\", \"per_iteration\": 16},\n"
    "   \"heap_blocks\": {\"verdict\": \"leak\", \"per_iteration\": 1},\n"
    "   \"working_set_bytes\": {\"verdict\": \"leak\", \"per_iteration\": 300.5},\n"
    "   \"cotaskmem_bytes\": {\"verdict\": \"clean\", \"per_iteration\": 0}},\n"
    " \"release\": {\"failed\": true, \"outstanding_refs\": 2, \"use_after_release\": 0,\n"
    "   \"live_objects_end\": 0, \"locks_end\": 0, \"can_unload\": true, \"unloaded\": true,\n"
    "   \"findings\": [\"refcount leak: IDispatch from CreateChild, 1 outstanding\",\n"
    "     \"BSTR leak: 16 B per call of Echo('x'), allocated in target_Echo (target.c:147) \\u00e9\\ud83d\\ude00\"]}}]}";

START_TEST(a_childs_run_json_gives_the_figures_categories_and_site)
{
    cs_xresult r;

    cs_xresult_init(&r);
    ck_int_eq(cs_xresult_from_json(run_json, &r), 0);
    ck_assert(r.bytes_per_call == 16 && r.blocks_per_call == 1 && r.cotask_per_call == 0);
    ck_int_eq(r.refs, 2);
    ck_int_eq(r.objects, 0);
    ck_assert_str_eq(r.categories, "leak,refs,blocks");
    ck_assert_str_eq(r.site, "BSTR leak: 16 B per call of Echo('x'), allocated in target_Echo (target.c:147) "
                     "\xc3\xa9\xf0\x9f\x98\x80");
    ck_assert_str_eq(r.why, "");
    ck_int_eq(cs_xresult_from_json("{\"runs\": []}", &r), -1);
    ck_int_eq(cs_xresult_from_json("{\"runs\": [{\"error\": \"x\"}", &r), -1);
    ck_int_eq(cs_xresult_from_json(NULL, &r), -1);
    ck_int_eq(cs_xresult_from_json("{\"runs\": [{\"error\": \"Item: bad index\"}]}", &r), 0);
    ck_assert_str_eq(r.why, "Item: bad index");
    ck_assert(isnan(r.bytes_per_call));
}
END_TEST

START_TEST(hostile_json_is_refused_without_deep_recursion)
{
    static char deep[2000];
    cs_jvalue v;

    memset(deep, '[', sizeof(deep) - 1);
    ck_int_eq(cs_json_parse(deep, &v), -1);
    ck_int_eq(cs_json_parse("{\"a\": tru}", &v), -1);
    ck_int_eq(cs_json_parse("{\"a\": 1} x", &v), -1);
    ck_int_eq(cs_json_parse("\"\\q\"", &v), -1);
    ck_int_eq(cs_json_parse(" {\"a\": [1, {\"b\": \"c\"}]} ", &v), 0);
    ck_assert_str_eq(cs_json_at(&v, "a.1.b")->string, "c");
    ck_assert_ptr_null(cs_json_at(&v, "a.2"));
    cs_json_free(&v);
}
END_TEST

START_TEST(the_map_puts_failing_members_first_larger_leaks_before_smaller)
{
    cs_xmember m[4];
    cs_xresult r[4];
    size_t order[4], i;

    four(m);
    for (i = 0; i < 4; i++)
        cs_xresult_init(&r[i]);
    r[0].state = CS_XS_CLEAN;
    r[1].state = CS_XS_FAILED;
    r[1].bytes_per_call = 8;
    r[2].state = CS_XS_NOT_CALLED;
    r[3].state = CS_XS_FAILED;
    r[3].bytes_per_call = 24;
    cs_xmap_sort(m, r, order, 4);
    ck_int_eq(order[0], 3);
    ck_int_eq(order[1], 1);
    ck_int_eq(order[2], 0);
    ck_int_eq(order[3], 2);
    r[3].refs = 1;
    r[3].blocks_per_call = 1;
    snprintf(r[3].categories, sizeof(r[3].categories), "leak,refs");
    snprintf(r[3].site, sizeof(r[3].site), "allocated in f (a.c:1)");
    cs_xmap_line(&m[3], &r[3], buf, sizeof(buf));
    ck_assert_str_eq(buf, "  Items.Remove                 FAILED (leak,refs)       +24.00 B   +1.00 blocks "
                          "per call, 1 refs; allocated in f (a.c:1)");
    snprintf(r[2].why, sizeof(r[2].why), "Item: bad index (DISP_E_BADINDEX, 0x8002000b)");
    cs_xmap_line(&m[2], &r[2], buf, sizeof(buf));
    ck_assert_str_eq(buf, "  Items.Count                  not called: Item: bad index (DISP_E_BADINDEX, 0x8002000b)");
}
END_TEST

START_TEST(explore_options_have_their_defaults_and_bounds)
{
    static cs_options o;
    char *ok[] = { "comstress", "explore", "--members", "Items.*", "--dry-run", NULL };
    char *deep[] = { "comstress", "explore", "--depth", "5", NULL };
    char *fast[] = { "comstress", "explore", "--iterations", "19", NULL };
    char *other[] = { "comstress", "explore", "--threads", "2", NULL };

    ck_int_eq(cs_options_parse(5, ok, &o, buf, sizeof(buf)), CS_EXIT_OK);
    ck_int_eq(o.command, CS_CMD_EXPLORE);
    ck_assert_str_eq(o.target, "ComStress.Target");
    ck_assert_str_eq(o.explore.members, "Items.*");
    ck_int_eq(o.explore.dry_run, 1);
    ck_int_eq(o.explore.depth, 1);
    ck_int_eq(o.explore.iterations, 300);
    ck_assert_str_eq(o.explore.out_dir, "comstress-explore");
    ck_assert_uint_eq(o.fail_on, CS_FAIL_DEFAULT);
    ck_int_eq(cs_options_parse(4, deep, &o, buf, sizeof(buf)), CS_EXIT_USAGE);
    ck_assert_str_eq(buf, "--depth: '5' is too large: a depth from 0 to 4");
    ck_int_eq(cs_options_parse(4, fast, &o, buf, sizeof(buf)), CS_EXIT_USAGE);
    ck_assert_str_eq(buf, "--iterations: '19' is not a whole number from 20 to 100000000");
    ck_int_eq(cs_options_parse(4, other, &o, buf, sizeof(buf)), CS_EXIT_USAGE);
    ck_assert_str_eq(buf, "unknown option '--threads' for explore (it belongs to run; see --help)");
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(each_type_gets_the_argument_of_the_table),
        CS_TEST(a_method_omits_trailing_optional_arguments_and_keeps_inner_ones_empty),
        CS_TEST(in_out_arguments_hold_a_value_first_and_out_ones_do_not),
        CS_TEST(a_put_is_a_round_trip_when_the_member_has_a_get_else_the_table_value),
        CS_TEST(an_enumerator_is_walked_with_each_on_its_object),
        CS_TEST(events_are_advised_then_unadvised_or_advised_weak_and_left),
        CS_TEST(an_argument_the_language_cannot_pass_says_which_and_its_type),
        CS_TEST(globs_match_case_insensitively_with_stars_and_question_marks),
        CS_TEST(the_default_skip_list_names_members_that_destroy_or_leave),
        CS_TEST(the_skip_list_is_lifted_only_by_naming_a_member_in_members),
        CS_TEST(a_members_pattern_that_matches_nothing_is_refused_by_name),
        CS_TEST(a_glob_list_is_split_at_commas_and_an_empty_pattern_refused),
        CS_TEST(the_plan_is_a_script_the_call_language_parses),
        CS_TEST(a_childs_run_json_gives_the_figures_categories_and_site),
        CS_TEST(hostile_json_is_refused_without_deep_recursion),
        CS_TEST(the_map_puts_failing_members_first_larger_leaks_before_smaller),
        CS_TEST(explore_options_have_their_defaults_and_bounds),
        NULL
    };

    return cs_run_tests("explore_plan", NULL, NULL, tests);
}
