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

/* Entry flags. */
enum {
    E_VALID = 1,        /* the entry describes pc */
    E_STOP = 2,         /* the walk ends at this pc */
    E_FP_BASE = 4,      /* base = rbp - fp_bias, else rsp */
    E_RBP_SAVED = 8,    /* the caller's rbp is at rbp_off */
    E_RBP_FP = 16,      /* rbp_off counts from the frame-pointer base */
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

/*
 * Applies one function's unwind codes to st and e (the rbp save), in the
 * order RtlVirtualUnwind does. prolog_off is the pc's offset in the
 * function, or -1 for a chained parent whose prologue has fully run.
 * Returns FALSE for a shape this walker does not follow.
 */
static BOOL apply_codes(const unwind_info *info, int64_t prolog_off, walk_state *st,
                        cs_unwind_entry *e)
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
            if (c->c.info == REG_RBP) {
                e->flags |= E_RBP_SAVED | (st->fp ? E_RBP_FP : 0);
                e->rbp_off = (int32_t)st->off;
            }
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
                e->flags |= E_RBP_SAVED | (save_base.fp ? E_RBP_FP : 0);
                e->rbp_off = (int32_t)(save_base.off + at);
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

/* Computes how to unwind the frame whose pc is given. */
static void describe(uint64_t pc, cs_unwind_entry *e)
{
    DWORD64 image;
    PRUNTIME_FUNCTION fn = RtlLookupFunctionEntry(pc, &image, NULL);
    walk_state st = { 0 };
    int64_t prolog_off;
    int chain;

    e->pc = pc;
    e->flags = E_VALID | E_STOP;
    e->ret_off = e->rbp_off = 0;
    e->fp_bias = 0;
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
        if (info->version < 1 || info->version > 2 || !apply_codes(info, prolog_off, &st, e))
            return;
        if (!(info->flags & UNW_FLAG_CHAININFO)) {
            e->flags = (uint8_t)((e->flags & ~E_STOP) | (st.fp ? E_FP_BASE : 0));
            e->ret_off = (int32_t)st.off;
            e->fp_bias = (uint16_t)st.fp_bias;
            return;
        }
        fn = (PRUNTIME_FUNCTION)&info->codes[(info->count + 1) & ~1];
        prolog_off = -1;
    }
}

static const cs_unwind_entry *lookup(cs_unwind_cache *cache, uint64_t pc)
{
    cs_unwind_entry *e = &cache->entries[(pc * 0x9e3779b97f4a7c15ull) >> 55
                                         & (CS_UNWIND_CACHE_SIZE - 1)];

    if (e->pc != pc || !(e->flags & E_VALID))
        describe(pc, e);
    return e;
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

/* Steps one frame up: FALSE when the walk ends. */
static BOOL step(cs_unwind_cache *cache, regs *r, uint64_t lo, uint64_t hi)
{
    const cs_unwind_entry *e = lookup(cache, r->rip);
    uint64_t base, slot, rbp = r->rbp;

    if (e->flags & E_STOP)
        return FALSE;
    base = (e->flags & E_FP_BASE) ? r->rbp - e->fp_bias : r->rsp;
    if (e->flags & E_RBP_SAVED) {
        uint64_t at = ((e->flags & E_RBP_FP) ? r->rbp - e->fp_bias : r->rsp) + e->rbp_off;
        if (at < lo || at + 8 > hi)
            return FALSE;
        rbp = *(const uint64_t *)at;
    }
    slot = base + e->ret_off;
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
