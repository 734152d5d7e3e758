/*
 * The source of the committed sample DLLs of the debug information
 * reader's suite (make-samples.sh builds it several ways). No C runtime:
 * the DLLs hold this code only, so they stay a few kilobytes. Each call
 * of sample_leaf is a call site the suite looks up.
 */
#define EXPORT __declspec(dllexport)

volatile int sample_sink;

__attribute__((noinline)) int sample_leaf(int x)
{
    sample_sink = x;
    return x + 1;
}

static inline int sample_inner(int x)
{
    int y = sample_leaf(x * 3);         /* site: inner */

    return y * 2;
}

static inline int sample_middle(int x)
{
    int y = sample_inner(x + 1);        /* site: middle */

    return y - 1;
}

EXPORT int sample_outer(int x)
{
    int y = sample_middle(x);           /* site: outer */

    return y + sample_leaf(y);          /* site: plain */
}

__attribute__((cold, noinline)) int sample_rare(int x)
{
    sample_sink = -x;
    return x;
}

/* The unlikely branch is moved to a cold part of its own (gcc's
 * sample_split.cold): the function's code is two ranges. */
EXPORT int sample_split(int x)
{
    int y = sample_leaf(x);             /* site: split-hot */

    if (y == 12345) {
        y += sample_rare(y);
        y += sample_leaf(y * 7);        /* site: split-cold */
    }
    return y;
}

int __stdcall DllMain(void *instance, unsigned reason, void *reserved)
{
    return 1;
}
