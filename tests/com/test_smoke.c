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
    const TTest *const tests[] = {
        CS_TEST(com_initializes), NULL
    };

    return cs_run_tests("smoke", cs_com_mta_setup, cs_com_teardown, tests);
}
