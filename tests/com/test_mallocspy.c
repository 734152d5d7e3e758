/* The IMallocSpy sampler (stress/mallocspy.c): exact CoTaskMem and BSTR
 * accounting per call site, with oleaut32's BSTR cache off. */
#include "cs_check.h"
#include "mallocspy.h"

static cs_spy_site_stats before;

static void setup(void)
{
    cs_com_sta_setup();
    ck_assert_ok(cs_spy_start(FALSE));
    cs_spy_totals(&before);
}

static void teardown(void)
{
    cs_spy_set_site(0);
    cs_spy_stop();
    cs_com_teardown();
}

START_TEST(cotaskmem_counted_per_site)
{
    cs_spy_site_stats s;
    void *p;

    cs_spy_set_site(3);
    p = CoTaskMemAlloc(100);
    cs_spy_set_site(0);
    ck_assert_ptr_nonnull(p);
    cs_spy_site(3, &s);
    ck_assert_int_eq(s.live_blocks, 1);
    ck_assert_int_eq(s.live_bytes, 100);
    p = CoTaskMemRealloc(p, 300);
    cs_spy_site(3, &s);
    ck_assert_int_eq(s.live_blocks, 0);    /* moved to the current site (0) */
    cs_spy_site(0, &s);
    ck_assert_int_ge(s.live_bytes, 300);
    CoTaskMemFree(p);
    cs_spy_site(3, &s);
    ck_assert_int_eq(s.allocs, 1);
    ck_assert_int_eq(s.frees, 1);
}
END_TEST

START_TEST(bstr_pairs_exact_with_cache_off)
{
    cs_spy_site_stats s;
    BSTR b;
    int i;

    ck_assert(cs_spy_bstr_cache_off());
    cs_spy_set_site(5);
    for (i = 0; i < 10; i++) {
        b = SysAllocString(L"comstress");
        SysFreeString(b);
    }
    cs_spy_site(5, &s);
    ck_assert_int_eq(s.allocs, 10);
    ck_assert_int_eq(s.frees, 10);
    ck_assert_int_eq(s.live_blocks, 0);
}
END_TEST

START_TEST(leaked_bstr_stays_live)
{
    cs_spy_site_stats s;
    BSTR b;

    cs_spy_set_site(7);
    b = SysAllocString(L"leaked on purpose");
    cs_spy_set_site(0);
    cs_spy_site(7, &s);
    ck_assert_int_eq(s.live_blocks, 1);
    ck_assert_int_gt(s.live_bytes, 0);
    SysFreeString(b);
    cs_spy_site(7, &s);
    ck_assert_int_eq(s.live_blocks, 0);
}
END_TEST

/* Regression: a failing name look-up through the type library while the
 * spy is registered crashed the process (heap corruption in the spy). */
START_TEST(failed_lookup_under_spy_survives)
{
    IDispatch *d = NULL;
    CLSID clsid;
    LPOLESTR name = L"Frobnicate";
    DISPID id;

    ck_assert_ok(CLSIDFromProgID(L"ComStress.Target", &clsid));
    ck_assert_ok(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&d));
    ck_assert_hr(IDispatch_GetIDsOfNames(d, &IID_NULL, &name, 1, 0, &id), DISP_E_UNKNOWNNAME);
    ck_assert_hr(IDispatch_GetIDsOfNames(d, &IID_NULL, &name, 1, 0, &id), DISP_E_UNKNOWNNAME);
    IDispatch_Release(d);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(cotaskmem_counted_per_site), CS_TEST(bstr_pairs_exact_with_cache_off),
        CS_TEST(leaked_bstr_stays_live), CS_TEST(failed_lookup_under_spy_survives), NULL
    };

    return cs_run_tests("mallocspy", setup, teardown, tests);
}
