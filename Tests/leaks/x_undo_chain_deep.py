# A document editor keeps its undo history as a persistent linked list: each
# edit makes a Revision that points to the previous one, and the editor holds
# only the newest. There is no history limit, so the list only grows: by the
# last dump it is a chain 45,000 revisions deep, each keeping its diff text.
# Deep, narrow and made of many small objects: every Revision is held by the
# next one only.
#
# From the reports:
#   https://github.com/wsick/Fayde/issues/149
#     ("Memory leak in TextBox": every previous content is added to the undo
#     history, with no upper bound: a long-lived TextBox grows forever)
#   https://github.com/prompt-toolkit/python-prompt-toolkit/pull/1465
#     (Buffer's undo stack gets a copy of the text at every input: "unacceptable
#     memory waste" on big texts)
#
# applies: 2.7, 3.6+
# usage: python x_undo_chain_deep.py OUTDIR
import leakkit

out = leakkit.start()

EDITS_PER_ROUND = 15000


class Revision(object):
    __slots__ = ('previous', 'number', 'diff')

    def __init__(self, previous, number, diff):
        self.previous = previous
        self.number = number
        self.diff = diff


class Editor(object):
    def __init__(self, name):
        self.name = name
        self.head = Revision(None, 0, '')  # the newest revision

    def apply(self, diff):
        self.head = Revision(self.head, self.head.number + 1, diff)


editor = Editor('notes.md')


def edit(first, count):
    for n in range(first, first + count):
        editor.apply('@@ -%d,1 +%d,2 @@\n-old line %d\n+new line %d: %s\n' % (
            n % 400, n % 400, n, n, 'lorem ipsum dolor sit amet ' * 8))


for rnd in (1, 2, 3):
    edit((rnd - 1) * EDITS_PER_ROUND, EDITS_PER_ROUND)
    leakkit.dump(out, rnd)


def clear():
    editor.head = Revision(None, editor.head.number, '')  # keep the number, drop the history


t = leakkit.finish(
    out, 'editor.head (the newest Revision, head of the undo chain)',
    holder_objects=lambda: [editor.head],
    clear=clear, dropped=lambda: [editor.head], container=lambda: editor.__dict__,
    leak_types=['__main__.Revision', 'str'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
