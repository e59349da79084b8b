/*
 * PDFium's getters called for many items in one C loop (pipeline/readers/pdfium_batch.py).
 *
 * Reading a page asks PDFium the same question of each of its characters, objects or path
 * segments: a character's code, a path segment's end point... From Python each of those calls
 * costs far more than PDFium's answer. These two loops make them from C instead. They know
 * nothing of PDFium: the caller passes the function's address, taken from the PDFium library
 * pypdfium2 has loaded, and what the function returns or writes. No PDFium header is needed
 * and the answers are PDFium's own, the same as when Python makes each call.
 *
 * Built by `pip install` (pyproject.toml, ext-modules) and loaded with ctypes; where it could
 * not be built, pdfium_batch.py makes the same calls from Python.
 */
#include <stdint.h>

/* What a function returns: a C int, an unsigned int, or an address (a handle). */
enum { RETURNS_INT = 0, RETURNS_UNSIGNED = 1, RETURNS_ADDRESS = 2 };

typedef int (*int_of_handle)(void *);
typedef unsigned (*unsigned_of_handle)(void *);
typedef void *(*address_of_handle)(void *);
typedef int (*int_of_indexed)(void *, int64_t);
typedef unsigned (*unsigned_of_indexed)(void *, int64_t);
typedef void *(*address_of_indexed)(void *, int64_t);

typedef int (*writes_1)(void *, void *);
typedef int (*writes_2)(void *, void *, void *);
typedef int (*writes_4)(void *, void *, void *, void *, void *);
typedef int (*writes_indexed_1)(void *, int64_t, void *);
typedef int (*writes_indexed_2)(void *, int64_t, void *, void *);
typedef int (*writes_indexed_4)(void *, int64_t, void *, void *, void *, void *);

/*
 * out[i] = function(handles[i * handle_step]) or, with indices, function(that handle, indices[i]),
 * for i < n. A handle_step of 0 asks every item of one handle (a text page, say). The index is
 * passed as a 64-bit integer: a function taking an int reads its low half, one taking an
 * unsigned long all of it (the x86-64 and AArch64 calling conventions).
 */
int budget_returns(void *function, int returns, const uint64_t *handles, int64_t handle_step,
                   const int64_t *indices, int64_t n, int64_t *out)
{
    for (int64_t i = 0; i < n; i++) {
        void *handle = (void *)(uintptr_t)handles[i * handle_step];
        if (indices) {
            int64_t index = indices[i];
            if (returns == RETURNS_INT)
                out[i] = ((int_of_indexed)function)(handle, index);
            else if (returns == RETURNS_UNSIGNED)
                out[i] = ((unsigned_of_indexed)function)(handle, index);
            else
                out[i] = (int64_t)(uintptr_t)((address_of_indexed)function)(handle, index);
        } else {
            if (returns == RETURNS_INT)
                out[i] = ((int_of_handle)function)(handle);
            else if (returns == RETURNS_UNSIGNED)
                out[i] = ((unsigned_of_handle)function)(handle);
            else
                out[i] = (int64_t)(uintptr_t)((address_of_handle)function)(handle);
        }
    }
    return 0;
}

/*
 * function(handle[, index], out + i * stride, out + i * stride + item, ...) with `outputs`
 * (1, 2 or 4) addresses to write to, for i < n: item i's answers land at out + i * stride
 * (bytes), one after the other, item bytes apart. What the function returns (PDFium's
 * success flag) is not kept: the caller's buffers start zeroed.
 * Returns -1 for another number of outputs, having called nothing.
 */
int budget_writes(void *function, int outputs, const uint64_t *handles, int64_t handle_step,
                  const int64_t *indices, int64_t n, char *out, int64_t stride, int64_t item)
{
    if (outputs != 1 && outputs != 2 && outputs != 4)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        void *handle = (void *)(uintptr_t)handles[i * handle_step];
        char *at = out + i * stride;
        if (indices) {
            int64_t index = indices[i];
            if (outputs == 1)
                ((writes_indexed_1)function)(handle, index, at);
            else if (outputs == 2)
                ((writes_indexed_2)function)(handle, index, at, at + item);
            else
                ((writes_indexed_4)function)(handle, index, at, at + item, at + 2 * item, at + 3 * item);
        } else {
            if (outputs == 1)
                ((writes_1)function)(handle, at);
            else if (outputs == 2)
                ((writes_2)function)(handle, at, at + item);
            else
                ((writes_4)function)(handle, at, at + item, at + 2 * item, at + 3 * item);
        }
    }
    return 0;
}
