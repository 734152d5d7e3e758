#include "cs_check.h"
#include <stdlib.h>

START_TEST(com_initializes)
{
    IUnknown *unk = NULL;
    ck_assert_ok(CoCreateInstance(&CLSID_StdGlobalInterfaceTable, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&unk));
    ck_assert_ptr_nonnull(unk);
    IUnknown_Release(unk);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smoke");
    TCase *tc = tcase_create("com");
    tcase_add_checked_fixture(tc, cs_com_mta_setup, cs_com_teardown);
    tcase_add_test(tc, com_initializes);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}
