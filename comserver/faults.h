/*
 * The fault catalogue of the reference server: deliberate release-discipline
 * bugs a harness must catch, selected at run time by name.
 *
 * Pure C (no <windows.h>): the table and the "name[:param]" parser are unit
 * tested on their own. The selected fault itself lives in module.c.
 */
#ifndef CS_FAULTS_H
#define CS_FAULTS_H

#include <stddef.h>

typedef enum cs_fault {
    CS_FAULT_NONE,
    CS_FAULT_EXTRA_ADDREF,
    CS_FAULT_CHILD_EXTRA_REF,
    CS_FAULT_INTERNAL_CHILD_LEAK,
    CS_FAULT_ECHO_LEAK_BSTR,
    CS_FAULT_VARIANT_LEAK,
    CS_FAULT_LOCK_LEAK,
    CS_FAULT_CANNOT_UNLOAD,
    CS_FAULT_LEAK_BYTES,
    CS_FAULT_HANG_CALL,
    CS_FAULT_CRASH_CALL,
    CS_FAULT_ENUM_ITEM_EXTRA_REF,
    CS_FAULT_ENUM_CLONE_LEAK,
    CS_FAULT_NEWENUM_EXTRA_REF,
    CS_FAULT_UNADVISE_KEEPS_SINK,
    CS_FAULT_DESTROY_KEEPS_SINKS,
    CS_FAULT_OUT_OVERWRITE_LEAK,
    CS_FAULT_ARRAY_ELEMENT_LEAK,
    CS_FAULT_COUNT
} cs_fault;

/* Bytes leaked per call by leak-bytes when no positive param is given. */
#define CS_FAULT_LEAK_BYTES_DEFAULT 24

/* Calls served before hang-call blocks (or crash-call crashes) when no
 * positive param is given. */
#define CS_FAULT_HANG_CALL_DEFAULT 100

/* The fault's contract name ("extra-addref"; "" for CS_FAULT_NONE). */
const char *cs_fault_name(cs_fault f);

/* One line saying what the fault does (no tab, no newline). */
const char *cs_fault_description(cs_fault f);

/* Looks a fault up by its exact name; "" gives CS_FAULT_NONE. Returns
 * CS_FAULT_COUNT for an unknown name or NULL. */
cs_fault cs_fault_from_name(const char *name);

/*
 * Parses "name" or "name:param" (the COMSTRESS_FAULT syntax). Leading and
 * trailing blanks are ignored; an empty text selects no fault. Returns 0
 * and fills *fault and *param (0 when absent), or -1 for an unknown name or
 * a param that is not a decimal integer; the outputs are then untouched.
 */
int cs_fault_parse(const char *text, cs_fault *fault, long *param);

/*
 * Writes the catalogue, one "name<TAB>description\n" line per fault
 * (CS_FAULT_NONE excluded), into buf (always NUL-terminated when size > 0).
 * Returns the length the full text needs, like snprintf.
 */
size_t cs_fault_catalogue(char *buf, size_t size);

#endif
