/*
 * A fast x64 stack walker for the allocation hooks.
 *
 * RtlCaptureStackBackTrace costs about 60 ns a frame under Wine (a module
 * look-up and a full virtual unwind each), which alone would make a traced
 * BSTR call three times slower. A return address, though, always sits at a
 * call site, after its function's prologue and outside its epilogue, so the
 * way to unwind that frame is fixed: the return address is at a constant
 * offset from the frame's base (rsp, or rbp minus a bias for frame-pointer
 * functions), and the caller's rbp, if the function saved it, too. That
 * description is computed once per call site from the unwind codes and
 * kept in a small per-thread cache; a walk is then a few loads per frame.
 *
 * Only rbp is tracked across frames (the one register mingw and Wine use
 * as frame pointer). A frame whose function uses another frame register,
 * or a machine frame (an interrupt or exception frame), ends the walk.
 */
#include "trace_internal.h"

enum {
    UWOP_PUSH_NONVOL = 0, UWOP_ALLOC_LARGE = 1, UWOP_ALLOC_SMALL = 2, UWOP_SET_FPREG = 3,
    UWOP_SAVE_NONVOL = 4, UWOP_SAVE_NONVOL_FAR = 5, UWOP_EPILOG = 6, UWOP_SPARE_CODE = 7,
    UWOP_SAVE_XMM128 = 8, UWOP_SAVE_XMM128_FAR = 9, UWOP_PUSH_MACHFRAME = 10,
};

enum { REG_RBP = 5 };

/*
 * A cache entry holds two slot positions, each an offset from the frame's
 * rsp or rbp; offsets are multiples of 8, so the low bits carry the flags.
 *   ret: where the return address is;   rbp: where the caller's rbp is.
 */
enum {
    RET_FROM_RBP = 1,   /* ret counts from rbp (frame-pointer functions) */
    RET_STOP = 2,       /* the walk ends at this pc */
    RBP_SAVED = 1,      /* the function saved the caller's rbp */
    RBP_FROM_RBP = 2,   /* that slot counts from rbp */
    FLAG_BITS = 7,
};

typedef union unwind_code {
    struct { uint8_t offset; uint8_t op : 4, info : 4; } c;
    uint16_t slot;
} unwind_code;

typedef struct unwind_info {
    uint8_t version : 3, flags : 5;
    uint8_t prolog_size;
    uint8_t count;
    uint8_t frame_reg : 4, frame_offset : 4;
    unwind_code codes[];
} unwind_info;

/* Slots an unwind code takes, code included. */
static unsigned code_slots(const unwind_code *c)
{
    switch (c->c.op) {
    case UWOP_ALLOC_LARGE: return c->c.info ? 3 : 2;
    case UWOP_SAVE_NONVOL: case UWOP_SAVE_XMM128: case UWOP_EPILOG: return 2;
    case UWOP_SAVE_NONVOL_FAR: case UWOP_SAVE_XMM128_FAR: case UWOP_SPARE_CODE: return 3;
    default: return 1;
    }
}

/* The running position while undoing a prologue: an offset from the rsp
 * origin, or from the frame-pointer base once SET_FPREG was met. */
typedef struct walk_state {
    int64_t off;
    int fp;
    int fp_seen;
    unsigned fp_bias;
} walk_state;

/* Where the caller's rbp was saved, while the codes are read. */
typedef struct rbp_save {
    int saved, fp;
    int64_t off;
} rbp_save;

/*
 * Applies one function's unwind codes to st and the rbp save, in the order
 * RtlVirtualUnwind does. prolog_off is the pc's offset in the function, or
 * -1 for a chained parent whose prologue has fully run. Returns FALSE for
 * a shape this walker does not follow.
 */
static BOOL apply_codes(const unwind_info *info, int64_t prolog_off, walk_state *st,
                        rbp_save *save)
{
    walk_state save_base = *st;     /* SAVE_NONVOL counts from the frame base */
    unsigned i, n;

    if (info->frame_reg) {
        if (info->frame_reg != REG_RBP || (st->fp_seen && st->fp_bias != info->frame_offset * 16u))
            return FALSE;
        save_base.fp = 1;
        save_base.off = 0;
        save_base.fp_bias = info->frame_offset * 16u;
    }
    for (i = 0; i < info->count; i += n) {
        const unwind_code *c = &info->codes[i];
        n = code_slots(c);
        if (i + n > info->count)
            return FALSE;
        if (prolog_off >= 0 && prolog_off < info->prolog_size && c->c.offset > prolog_off)
            continue;       /* that prologue instruction has not run yet */
        switch (c->c.op) {
        case UWOP_PUSH_NONVOL:
            if (c->c.info == REG_RBP)
                *save = (rbp_save){ 1, st->fp, st->off };
            st->off += 8;
            break;
        case UWOP_ALLOC_LARGE:
            st->off += c->c.info ? (int64_t)(c[1].slot | ((uint32_t)c[2].slot << 16))
                                 : (int64_t)c[1].slot * 8;
            break;
        case UWOP_ALLOC_SMALL:
            st->off += c->c.info * 8 + 8;
            break;
        case UWOP_SET_FPREG:
            st->fp = st->fp_seen = 1;
            st->fp_bias = info->frame_offset * 16u;
            st->off = 0;
            break;
        case UWOP_SAVE_NONVOL:
        case UWOP_SAVE_NONVOL_FAR:
            if (c->c.info == REG_RBP) {
                int64_t at = c->c.op == UWOP_SAVE_NONVOL
                    ? (int64_t)c[1].slot * 8 : (int64_t)(c[1].slot | ((uint32_t)c[2].slot << 16));
                *save = (rbp_save){ 1, save_base.fp, save_base.off + at };
            }
            break;
        case UWOP_SAVE_XMM128: case UWOP_SAVE_XMM128_FAR: case UWOP_EPILOG: case UWOP_SPARE_CODE:
            break;
        default:            /* machine frames and unknown codes */
            return FALSE;
        }
        if (st->off > INT32_MAX)
            return FALSE;
    }
    return TRUE;
}

/* An offset from rsp, or from rbp once the bias is taken off, with its
 * flag bits; FALSE when it does not fit the encoding. */
static BOOL encode(int64_t off, int fp, unsigned bias, int flag_fp, int flags, int32_t *out)
{
    int64_t v = fp ? off - (int64_t)bias : off;

    if ((v & FLAG_BITS) || v > INT32_MAX / 2 || v < INT32_MIN / 2)
        return FALSE;
    *out = (int32_t)v | (fp ? flag_fp : 0) | flags;
    return TRUE;
}

/* Computes how to unwind the frame whose pc is given (stop when unknown). */
static __attribute__((noinline)) void describe(uint64_t pc, cs_unwind_entry *e)
{
    DWORD64 image;
    PRUNTIME_FUNCTION fn = RtlLookupFunctionEntry(pc, &image, NULL);
    walk_state st = { 0 };
    rbp_save save = { 0 };
    int64_t prolog_off;
    int chain;

    e->pc = pc;
    e->ret = RET_STOP;
    e->rbp = 0;
    if (!fn)
        return;             /* no unwind data: not PE code we can follow */
    prolog_off = (int64_t)(pc - (image + fn->BeginAddress));
    for (chain = 0; chain < 32; chain++) {
        const unwind_info *info;
        if (fn->UnwindData & RUNTIME_FUNCTION_INDIRECT) {
            fn = (PRUNTIME_FUNCTION)(image + (fn->UnwindData & ~RUNTIME_FUNCTION_INDIRECT));
            continue;
        }
        info = (const unwind_info *)(image + fn->UnwindData);
        if (info->version < 1 || info->version > 2 || !apply_codes(info, prolog_off, &st, &save))
            return;
        if (!(info->flags & UNW_FLAG_CHAININFO)) {
            int32_t ret, rbp = 0;
            if ((save.saved && save.fp && !st.fp)
                || !encode(st.off, st.fp, st.fp_bias, RET_FROM_RBP, 0, &ret)
                || (save.saved && !encode(save.off, save.fp, st.fp_bias, RBP_FROM_RBP,
                                          RBP_SAVED, &rbp)))
                return;
            e->ret = ret;
            e->rbp = rbp;
            return;
        }
        fn = (PRUNTIME_FUNCTION)&info->codes[(info->count + 1) & ~1];
        prolog_off = -1;
    }
}

/* Registers of the walker's own frame, read by a leaf that moves nothing:
 * rip (its return address), rsp after its return, and rbp. */
typedef struct regs { uint64_t rip, rsp, rbp; } regs;
void cs_unwind_regs(regs *out);
__asm__(".text\n"
        ".globl cs_unwind_regs\n"
        "cs_unwind_regs:\n"
        "    movq (%rsp), %rax\n"
        "    movq %rax, (%rcx)\n"
        "    leaq 8(%rsp), %rax\n"
        "    movq %rax, 8(%rcx)\n"
        "    movq %rbp, 16(%rcx)\n"
        "    ret\n");

/* Steps one frame up: FALSE when the walk ends. Inlined in the walk's
 * loop: this is the per-frame cost of every traced allocation. */
static inline __attribute__((always_inline)) BOOL step(cs_unwind_cache *cache, regs *r,
                                                       uint64_t lo, uint64_t hi)
{
    cs_unwind_entry *e = &cache->entries[(r->rip * 0x9e3779b97f4a7c15ull) >> 55
                                         & (CS_UNWIND_CACHE_SIZE - 1)];
    uint64_t slot, rbp = r->rbp;

    if (__builtin_expect(e->pc != r->rip, 0))
        describe(r->rip, e);
    if (e->ret & RET_STOP)
        return FALSE;
    if (e->rbp & RBP_SAVED) {
        uint64_t at = ((e->rbp & RBP_FROM_RBP) ? r->rbp : r->rsp) + (e->rbp & ~FLAG_BITS);
        if (at < lo || at + 8 > hi)
            return FALSE;
        rbp = *(const uint64_t *)at;
    }
    slot = ((e->ret & RET_FROM_RBP) ? r->rbp : r->rsp) + (e->ret & ~FLAG_BITS);
    if (slot < lo || slot + 8 > hi)
        return FALSE;
    r->rip = *(const uint64_t *)slot;
    r->rsp = slot + 8;
    r->rbp = rbp;
    return r->rip != 0;
}

/* Frames walked at most before first_pc must have been met. */
#define SEEK_FRAMES 6

__attribute__((noinline))
unsigned cs_unwind_capture(cs_unwind_cache *cache, uintptr_t first_pc, uintptr_t *frames,
                           unsigned max)
{
    NT_TIB *tib = (NT_TIB *)cs_teb();
    uint64_t lo = (uint64_t)tib->StackLimit, hi = (uint64_t)tib->StackBase;
    unsigned n = 0, seek;
    regs r;

    if (max == 0)
        return 0;
    cs_unwind_regs(&r);
    for (seek = 0; seek < SEEK_FRAMES && r.rip != first_pc; seek++)
        if (!step(cache, &r, lo, hi))
            break;
    frames[n++] = first_pc;
    if (r.rip != first_pc)
        return n;
    while (n < max && step(cache, &r, lo, hi))
        frames[n++] = (uintptr_t)r.rip;
    return n;
}
