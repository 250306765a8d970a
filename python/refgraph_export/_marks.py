"""The walk's mark bitmap and the object-line head: the contract between the
heap walk (_walk) and the fix of marked lines (_core._line_fixer).

The bitmap keeps, per object, one byte instead of an entry in a set of ids:

    regs[address >> REGION_SHIFT] -> bytearray(REGION_BYTES), one byte per
    8-byte slot, at (address & REGION_MASK) >> SLOT_SHIFT

    REACHED (bit 7)  the object was reached (queued or written, or excluded)
    LISTED  (bit 6)  before its line: the object is in the gc.get_objects()
                     list (one more reference to subtract); once its line is
                     written: the line went out unmarked (straight to the dump)
    COUNT   (bits 0-5) references found to it, saturating at COUNT ("over"
                     holds the rest)

CPython objects are at least 16 bytes and 8-byte aligned, so two live objects
never share a slot.

Every object line starts with LINE_HEAD, '{"address": A, "refcount": R':
the fix reads the address at ADDRESS_AT and the refcount REFCOUNT_AT bytes
after the comma that ends the address. A marked line (its refcount may need
the final counts) starts with MARK, a NUL byte JSON text never holds.
"""

REGION_SHIFT = 14
REGION_MASK = (1 << REGION_SHIFT) - 1  # 16383
SLOT_SHIFT = 3
REGION_BYTES = (REGION_MASK + 1) >> SLOT_SHIFT  # 2048

REACHED = 128
LISTED = 64
COUNT = 63
UNLISTED = 0xff & ~LISTED  # v & UNLISTED clears bit 6 (191)
# the byte of an object first found in a container: reached, one reference
# found, and (queued atoms, see _walk._drain_batch) bit 6 set
FRESH_PUSHED = REACHED + 1
FRESH_QUEUED = REACHED + LISTED + 1

LINE_HEAD = '{"address": %d, "refcount": %d'
ADDRESS_AT = LINE_HEAD.index('%')  # 12: '{"address": '
REFCOUNT_AT = len(', "refcount": ')  # 14, after the address's comma
MARK = '\x00'

# A refcount is sys.getrefcount minus the references the exporter holds
# itself. Another thread may drop references between the two readings (or,
# before issue 18's fix, an object the exporter made during the walk took the
# address of a dumped object that died): a difference below 0 is never
# written. The line says 0 and carries this (FORMAT.md, "raced").
RACED = ', "raced": true'


def region(regs, a):
    """The bytearray of the region of address a, made when missing."""
    k = a >> REGION_SHIFT
    b = regs.get(k)
    if b is None:
        b = regs[k] = bytearray(REGION_BYTES)
    return b


def set_bits(regs, a, bits):
    """Set bits in the byte of address a."""
    region(regs, a)[(a & REGION_MASK) >> SLOT_SHIFT] |= bits


def found(regs, over, a):
    """References found to address a (its count, with the saturated rest)."""
    c = regs[a >> REGION_SHIFT][(a & REGION_MASK) >> SLOT_SHIFT] & COUNT
    if c == COUNT:
        c += over.get(a, 0)
    return c
