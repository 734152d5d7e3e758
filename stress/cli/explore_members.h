/*
 * explore's Win32 half of reading a class: its members, and those of the
 * objects its members return, from type information (explore_members.c).
 */
#ifndef CS_EXPLORE_MEMBERS_H
#define CS_EXPLORE_MEMBERS_H

#include <windows.h>
#include <oaidl.h>
#include "explore.h"

/*
 * Reads the members of obj's type information, then follows each member
 * that returns an object (calling it once on obj with the table's
 * arguments, unless left_out(ctx, member) says the skip lists leave it
 * out) to max_depth levels. *out (malloc'd, the caller frees) holds *n
 * members. Returns S_OK; TYPE_E_ELEMENTNOTFOUND when obj offers no type
 * information (GetTypeInfoCount 0), or the HRESULT of GetTypeInfo.
 */
HRESULT cs_explore_members(IDispatch *obj, int max_depth, int (*left_out)(void *ctx, const cs_xmember *m),
                           void *ctx, cs_xmember **out, size_t *n);

#endif
