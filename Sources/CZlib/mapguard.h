#ifndef REFGRAPH_MAPGUARD_H
#define REFGRAPH_MAPGUARD_H
/*
 * A file that shrinks while it is memory-mapped (log rotation, `cp` over a
 * dump) turns every read past its new end into SIGBUS. The guard catches
 * SIGBUS for the ranges registered here, maps a zero page over the faulting
 * page, counts the fault and lets the read go on; the loader then sees the
 * count (and the file's new size) and reports the shrink as an error. A
 * SIGBUS outside every registered range gets the previous disposition back
 * and is raised again, so real faults still kill the process.
 *
 * Everything here is static: include this header from ONE Swift file
 * (MapGuard.swift), so that the handler and the slots are one copy.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define RG_GUARD_SLOTS 64

typedef struct {
    _Atomic(uintptr_t) base;
    _Atomic(size_t) length;
    _Atomic(long) faults;
} rg_guard_slot;

/* The state lives in function-local statics: Swift emits a header's static
 * inline functions with what they hold, but not file-scope static variables. */
typedef struct {
    rg_guard_slot slots[RG_GUARD_SLOTS];
    struct sigaction previous;
    atomic_int state; /* 0 none, 1 installing, 2 installed */
    uintptr_t page;
} rg_guard_state_t;

static inline rg_guard_state_t *rg_guard(void) {
    static rg_guard_state_t state;
    return &state;
}

static void rg_guard_handler(int sig, siginfo_t *info, void *context) {
    uintptr_t address = (uintptr_t)info->si_addr;
    for (int i = 0; i < RG_GUARD_SLOTS; i++) {
        uintptr_t base = atomic_load(&rg_guard()->slots[i].base);
        size_t length = atomic_load(&rg_guard()->slots[i].length);
        if (base != 0 && address >= base && address < base + length) {
            void *page = (void *)(address & ~(rg_guard()->page - 1));
            if (mmap(page, rg_guard()->page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
                atomic_fetch_add(&rg_guard()->slots[i].faults, 1);
                return;
            }
        }
    }
    /* Not ours: restore what was there and fault again on return. */
    sigaction(SIGBUS, &rg_guard()->previous, NULL);
    (void)sig; (void)context;
}

/* Installs the handler once. Returns 0 on success. */
static inline int rg_guard_install(void) {
    int expected = 0;
    if (atomic_compare_exchange_strong(&rg_guard()->state, &expected, 1)) {
        long page = sysconf(_SC_PAGESIZE);
        rg_guard()->page = page > 0 ? (uintptr_t)page : 4096;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = rg_guard_handler;
        action.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&action.sa_mask);
        int status = sigaction(SIGBUS, &action, &rg_guard()->previous);
        atomic_store(&rg_guard()->state, status == 0 ? 2 : 0);
        return status;
    }
    while (atomic_load(&rg_guard()->state) == 1) { }
    return atomic_load(&rg_guard()->state) == 2 ? 0 : -1;
}

/* Registers [base, base+length); returns its slot, or -1 when none is free. */
static inline int rg_guard_add(const void *base, size_t length) {
    if (rg_guard_install() != 0) return -1;
    for (int i = 0; i < RG_GUARD_SLOTS; i++) {
        uintptr_t empty = 0;
        if (atomic_compare_exchange_strong(&rg_guard()->slots[i].base, &empty, (uintptr_t)1)) {
            atomic_store(&rg_guard()->slots[i].faults, 0);
            atomic_store(&rg_guard()->slots[i].length, length);
            atomic_store(&rg_guard()->slots[i].base, (uintptr_t)base);
            return i;
        }
    }
    return -1;
}

/* Faults caught in a slot so far. */
static inline long rg_guard_faults(int slot) {
    return slot >= 0 && slot < RG_GUARD_SLOTS ? atomic_load(&rg_guard()->slots[slot].faults) : 0;
}

/* Frees a slot (before the range is unmapped). */
static inline void rg_guard_remove(int slot) {
    if (slot < 0 || slot >= RG_GUARD_SLOTS) return;
    atomic_store(&rg_guard()->slots[slot].length, 0);
    atomic_store(&rg_guard()->slots[slot].base, 0);
}
#endif
