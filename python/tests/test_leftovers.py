"""Nothing left behind (issue 19 item 5): leftover temporary files of
killed dumps are found and removed (``cleanup``, and the next dump into the
directory), live or fresh ones never; a process that exits while a thread
dumps removes the dump's temporary file."""
import json
import os
import subprocess
import sys
import time

from helpers import PY2, TempDirTest, env, run_script

import refgraph_export
from refgraph_export import _leftovers

HEX = '0123456789abcdef'


def dead_pid():
    """The pid of a process that has exited (and been reaped)."""
    p = subprocess.Popen([sys.executable, '-c', 'pass'])
    p.wait()
    return p.pid


class Leftovers(TempDirTest):

    def make(self, name, age=3600.0):
        path = self.path(name)
        with open(path, 'w') as f:
            f.write('{"record": "header"}\n')
        t = time.time() - age
        os.utime(path, (t, t))
        return path

    def scene(self):
        """Old files of a gone process (removed), and what must stay: this
        process's, a fresh one of a gone process (another pid namespace may
        be writing it), names of another shape, a symlink."""
        gone = dead_pid()
        stale = [self.make('d.jsonl.tmp-%d-%s' % (gone, HEX)),
                 self.make('.refgraph-marked-%d-%s' % (gone, HEX))]
        keep = [self.make('d.jsonl.tmp-%d-%s' % (os.getpid(), HEX)),
                self.make('e.jsonl.tmp-%d-%s' % (gone, HEX), age=1.0),
                self.make('d.jsonl.tmp-%d-%s0' % (gone, HEX)),   # 17 hex digits
                self.make('d.jsonl.tmp-%d' % gone),
                self.make('notes.txt'),
                self.make('d.jsonl')]
        link = self.path('l.jsonl.tmp-%d-%s' % (gone, HEX))
        os.symlink(self.path('notes.txt'), link)
        keep.append(link)
        return stale, keep

    def test_stale_finds_only_leftovers(self):
        stale, keep = self.scene()
        self.assertEqual(_leftovers.stale(self.dir), sorted(stale))
        self.assertEqual(_leftovers.remove(self.dir), sorted(stale))
        for p in stale:
            self.assertFalse(os.path.lexists(p), p)
        for p in keep:
            self.assertTrue(os.path.lexists(p), p)

    def test_cleanup_command(self):
        stale, keep = self.scene()
        cmd = [sys.executable, '-m', 'refgraph_export', 'cleanup', self.dir]
        out = subprocess.check_output(cmd + ['--dry-run'], env=env()).decode()
        self.assertIn('2 leftover temporary files found', out)
        for p in stale:
            self.assertTrue(os.path.exists(p))
        out = subprocess.check_output(cmd, env=env()).decode()
        self.assertIn('2 leftover temporary files removed', out)
        for p in stale:
            self.assertFalse(os.path.exists(p))
        for p in keep:
            self.assertTrue(os.path.lexists(p), p)
        p = subprocess.Popen(cmd[:-1] + [self.path('notes.txt')], env=env(), stderr=subprocess.PIPE,
                             stdout=subprocess.PIPE)
        p.communicate()
        self.assertEqual(p.returncode, 2)

    def test_next_dump_removes_them(self):
        stale, keep = self.scene()
        refgraph_export.dump(self.path('new.jsonl'))
        for p in stale:
            self.assertFalse(os.path.exists(p), p)
        for p in keep:
            self.assertTrue(os.path.lexists(p), p)
        self.check_dump(self.path('new.jsonl'))

    def test_exit_during_a_threaded_dump(self):
        """The main thread returns while a daemon thread is dumping: the
        dump's temporary file goes with the process."""
        code = '''
            import os, sys, threading, time
            import refgraph_export
            heap = [[i, str(i)] for i in range(300000)]
            d = sys.argv[1]
            t = threading.Thread(target=refgraph_export.dump, args=(os.path.join(d, 'x.jsonl'),))
            t.daemon = True
            t.start()
            deadline = time.time() + 60
            while not [n for n in os.listdir(d) if '.tmp-' in n] and time.time() < deadline:
                time.sleep(0.001)
            print('tmp seen' if [n for n in os.listdir(d) if '.tmp-' in n] else 'no tmp')
            sys.stdout.flush()
        '''
        rc, out, err = run_script(code, [self.dir])
        self.assertEqual(rc, 0, err)
        if 'tmp seen' not in out:
            self.skipTest('the dump finished before the main thread saw its temporary file')
        left = [n for n in os.listdir(self.dir) if '.tmp-' in n or 'marked' in n]
        self.assertEqual(left, [])
