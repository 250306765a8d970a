"""Writing: atomic rename, disk full, gzip, fork, signals, CLI, series."""
import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from helpers import HERE, PY2, PYV, Dump, TempDirTest, communicate, env, full_disk, run_script, wait_for

import refgraph_export
from refgraph_export import _core

HAS_FORK = hasattr(os, 'fork')


class AtomicWrite(TempDirTest):
    def test_kill_9_mid_dump_leaves_no_final_file(self):
        final = self.path('big.jsonl')
        code = '''
            import sys, os
            import refgraph_export
            heap = [{'k': [i, str(i)]} for i in range(300000)]
            sys.stdout.write('ready\\n'); sys.stdout.flush()
            refgraph_export.dump(sys.argv[1])
            sys.stdout.write('done\\n'); sys.stdout.flush()
        '''
        script = self.path('kill.py')
        import textwrap
        with open(script, 'w') as f:
            f.write(textwrap.dedent(code))
        p = subprocess.Popen([sys.executable, script, final], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env())
        try:
            self.assertEqual(p.stdout.readline().strip(), b'ready')
            tmp = os.path.basename(final) + '.tmp-%d-' % p.pid  # + 16 random hex digits

            def tmp_exists():
                return any(n.startswith(tmp) for n in os.listdir(self.dir))
            # the temporary file appears before the walk starts
            self.assertTrue(wait_for(lambda: tmp_exists() or p.poll() is not None, 120, 0.001))
            os.kill(p.pid, signal.SIGKILL)
        finally:
            communicate(p, 60)
        self.assertFalse(os.path.exists(final))
        left = os.listdir(self.dir)
        # Only temporary names no command takes for a dump: the dump's own
        # and the side file of lines to fix at the end (when the kill came
        # after the walk created it).
        marked = '.refgraph-marked-%d-' % p.pid
        for name in left:
            self.assertTrue(name in ('kill.py',) or name.startswith(tmp) or name.startswith(marked), left)

    def test_disk_full_clear_error(self):
        if not os.path.exists('/dev/full'):
            self.skipTest('no /dev/full')
        final = self.path('full.jsonl')
        with full_disk():  # the temporary file is a full disk
            with self.assertRaises(refgraph_export.DumpError) as cm:
                refgraph_export.dump(final)
        self.assertEqual(cm.exception.errno, errno.ENOSPC)
        self.assertIn('full.jsonl', str(cm.exception))
        self.assertFalse(os.path.exists(final))
        self.assertEqual(os.listdir(self.dir), [])  # temporary file removed
        self.assertTrue(isinstance(cm.exception, EnvironmentError))
        # the process survives and the next dump works
        res = refgraph_export.dump(final)
        self.check_dump(final)
        self.assertTrue(res.objects > 0)

    def test_disk_full_fork(self):
        if not HAS_FORK or not os.path.exists('/dev/full'):
            self.skipTest('no fork or /dev/full')
        final = self.path('full.jsonl')
        # the child's temporary file is redirected to /dev/full (helpers.full_disk)
        code = """
            import sys
            sys.path.insert(0, sys.argv[2])  # the tests' directory
            from helpers import full_disk
            import refgraph_export
            final = sys.argv[1]
            with full_disk():
                try:
                    refgraph_export.dump(final, fork=True)
                except refgraph_export.DumpError as e:
                    print('DumpError %d' % e.errno)
        """
        rc, out, err = run_script(code, [final, HERE])
        self.assertEqual(rc, 0, err)
        self.assertIn('DumpError %d' % errno.ENOSPC, out)
        self.assertFalse(os.path.exists(final))
        self.assertEqual([n for n in os.listdir(self.dir) if 'full' in n], [])

    def test_directory_missing(self):
        with self.assertRaises(refgraph_export.DumpError) as cm:
            refgraph_export.dump(self.path('no/such/dir/x.jsonl'))
        self.assertEqual(cm.exception.errno, errno.ENOENT)


class ForkMode(TempDirTest):
    @unittest.skipUnless(HAS_FORK, 'POSIX only')
    def test_fork_dump(self):
        p = self.path('fork.jsonl.gz')
        marker = ['fork-marker']
        res = refgraph_export.dump(p, fork=True)
        d = self.check_dump(p)
        self.assertTrue(d.header['fork'])
        self.assertEqual(res.objects, d.trailer['objects'])
        self.assertNotEqual(res.pid, os.getpid())  # the writer: the child
        # the header names the process whose heap it is, so that a series of
        # fork-mode dumps diffs (refgraph diff refuses dumps of different pids)
        self.assertEqual(d.header['pid'], os.getpid())
        self.assertTrue(0 <= res.pause < res.seconds + 1)
        self.assertIn(id(marker), d)
        # the calling thread's stack is in the dump: this test method's frame
        frames = [a for a, lab in d.referrers(id(marker)) if d[a]['type'] == 'frame']
        self.assertTrue(frames)
        self.assertEqual(d[frames[0]]['root'], 'frame')

    @unittest.skipUnless(HAS_FORK, 'POSIX only')
    def test_stuck_fork_child_is_killed(self):
        # a child that sends nothing (deadlocked on a lock another thread
        # held at the fork) is killed after CHILD_STALL_SECONDS: never a hang
        p = self.path('stuck.jsonl')
        old = _core.CHILD_STALL_SECONDS
        _core.CHILD_STALL_SECONDS = 1.0
        try:
            t = time.time()
            with self.assertRaises(refgraph_export.DumpError) as cm:
                refgraph_export.dump(p, fork=True, _stall=True)
            self.assertLess(time.time() - t, 60)
        finally:
            _core.CHILD_STALL_SECONDS = old
        self.assertIn('made no progress', str(cm.exception))
        self.assertFalse(os.path.exists(p))
        # a healthy child sends progress while it writes: not killed
        _core.CHILD_STALL_SECONDS = 5.0
        try:
            res = refgraph_export.dump(p, fork=True)
        finally:
            _core.CHILD_STALL_SECONDS = old
        self.assertGreater(res.objects, 1000)
        self.check_dump(p)

    def test_fork_no_wait(self):
        p = self.path('nowait.jsonl')
        res = refgraph_export.dump(p, fork=True, wait=False)
        self.assertIsNone(res.objects)
        self.assertTrue(res.pause >= 0)
        self.assertTrue(wait_for(lambda: os.path.exists(p), 60))
        self.check_dump(p)


class Signals(TempDirTest):
    def test_dump_from_signal_handler(self):
        self.check_signal_handler('')

    def test_dump_from_signal_handler_in_process(self):
        self.check_signal_handler('fork=False')

    def check_signal_handler(self, how):
        code = '''
            import os, sys, signal, json, threading, time
            import refgraph_export
            inst = refgraph_export.install(directory=sys.argv[1], verbose=False, HOW)
            forks = inst.fork
            stop = threading.Event()
            def spin():  # another thread running during the dump
                x = []
                while not stop.is_set():
                    x.append(object())
                    if len(x) > 1000:
                        del x[:]
            t = threading.Thread(target=spin); t.start()
            def work():
                marker = ['signal-marker']
                os.kill(os.getpid(), signal.SIGUSR2)
                time.sleep(0.2)
                inst.wait(120)  # fork mode: one child at a time
                os.kill(os.getpid(), signal.SIGUSR2)
                time.sleep(0.2)
                return id(marker)
            marker_id = work()
            done = inst.wait(120)
            stop.set(); t.join()
            prev = signal.getsignal(signal.SIGUSR2)
            inst.uninstall()
            print(json.dumps({'paths': inst.paths, 'errors': [str(e) for e in inst.errors],
                              'marker': marker_id, 'restored': signal.getsignal(signal.SIGUSR2) == signal.SIG_DFL,
                              'was_handler': prev is inst.handler, 'fork': forks, 'done': done,
                              'reason': inst.fork_reason}))
        '''.replace('HOW', how)
        rc, out, err = run_script(code, [self.dir])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(info['errors'], [])
        self.assertTrue(info['done'])
        # fork by default where os.fork exists (issue 19), in-process when told
        self.assertEqual(info['fork'], how == '' and hasattr(os, 'fork'))
        self.assertIsNone(info['reason'])
        self.assertEqual(len(info['paths']), 2)
        self.assertTrue(info['restored'])
        self.assertTrue(info['was_handler'])
        names = [os.path.basename(p) for p in info['paths']]
        self.assertEqual(len(set(names)), 2)
        for n in names:
            self.assertTrue(n.startswith('refgraph-') and n.endswith('.jsonl'), n)
        d = self.check_dump(sorted(info['paths'])[0])
        self.assertIn(info['marker'], d)
        # the interrupted main frame holds the marker
        frames = [a for a, lab in d.referrers(info['marker']) if d[a]['type'] == 'frame']
        self.assertTrue(frames, d.referrers(info['marker']))
        self.assertEqual(d[frames[0]]['root'], 'frame')
        self.assertIn(('.marker', info['marker']), d.edges(frames[0]))

    @unittest.skipUnless(hasattr(os, 'fork'), 'fork mode')
    def test_signal_storm_forks_once(self):
        code = '''
            import os, sys, signal, json
            import refgraph_export
            inst = refgraph_export.install(directory=sys.argv[1], verbose=False)
            for _ in range(5):
                os.kill(os.getpid(), signal.SIGUSR2)
            inst.wait(120)
            print(json.dumps({'paths': inst.paths, 'errors': [str(e) for e in inst.errors]}))
        '''
        rc, out, err = run_script(code, [self.dir])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(len(info['paths']), 1, info)
        self.assertEqual(len(info['errors']), 4, info)
        self.assertIn('still being written', info['errors'][0])
        self.check_dump(info['paths'][0])

    def test_cli_run(self):
        script = self.path('prog.py')
        with open(script, 'w') as f:
            f.write('import os, sys, signal, time, json\n'
                    'keep = ["cli-marker"]\n'
                    'print(json.dumps({"argv": sys.argv, "name": __name__, "marker": id(keep)}))\n'
                    'sys.stdout.flush()\n'
                    'os.kill(os.getpid(), signal.SIGUSR1)\n'
                    'time.sleep(0.5)\n')
        outdir = self.path('dumps')
        p = subprocess.Popen([sys.executable, '-m', 'refgraph_export', 'run', '--signal', 'USR1',
                              '--dir', outdir, '--gzip', script, 'a1', '--flag'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(), cwd=self.dir)
        out, err = communicate(p, 120)
        self.assertEqual(p.returncode, 0, err)
        info = json.loads(out.decode('utf-8').strip().splitlines()[0])
        self.assertEqual(info['argv'], [script, 'a1', '--flag'])
        self.assertEqual(info['name'], '__main__')
        files = os.listdir(outdir)
        self.assertEqual(len(files), 1, files)
        self.assertTrue(files[0].endswith('.jsonl.gz'))
        d = self.check_dump(os.path.join(outdir, files[0]))
        self.assertIn(info['marker'], d)
        self.assertIn(b'wrote', err)


class ForkDefaults(unittest.TestCase):
    """Issue 19: services dump through fork unless told otherwise."""

    def test_fork_default(self):
        fork, reason = refgraph_export.fork_default()
        self.assertEqual(fork, hasattr(os, 'fork'))
        self.assertEqual(reason is None, fork)

    def test_cli_switches(self):
        from refgraph_export import __main__ as cli
        p = cli._parser()
        self.assertIsNone(p.parse_args(['run', 'x.py']).fork)  # fork_default() decides
        self.assertIs(p.parse_args(['run', '--fork', 'x.py']).fork, True)
        self.assertIs(p.parse_args(['run', '--in-process', 'x.py']).fork, False)
        self.assertIs(p.parse_args(['watch', '1', '--rss-above', '1GiB', '-o', 'd.jsonl']).fork, True)
        self.assertIs(p.parse_args(['watch', '1', '--rss-above', '1GiB', '-o', 'd.jsonl', '--in-process']).fork,
                      False)
        self.assertIs(p.parse_args(['attach', '1', '-o', 'd.jsonl']).fork, False)

    def test_series_forks_by_default(self):
        t = refgraph_export.snapshot_series(tempfile.mkdtemp(), every=0.01, count=1)
        t.join(120)
        self.assertEqual(t.fork, hasattr(os, 'fork'))
        self.assertEqual(t.errors, [])
        self.assertEqual(len(t.paths), 1)
        for p in t.paths:
            os.remove(p)
        os.rmdir(os.path.dirname(t.paths[0]))


class Series(TempDirTest):
    def test_snapshot_series(self):
        t = refgraph_export.snapshot_series(self.path('series'), every=0.05, count=3)
        t.join(120)
        self.assertFalse(t.is_alive())
        self.assertEqual(t.errors, [])
        self.assertEqual(len(t.paths), 3)
        names = [os.path.basename(p) for p in t.paths]
        self.assertEqual(names, sorted(names))
        self.assertEqual(sorted(os.listdir(self.path('series'))), sorted(names))
        for p in t.paths:
            d = self.check_dump(p)
            # the series thread's own exporter frames are not in the dump
            for o in d.by_type('frame'):
                c = d.edge(o['address'], 'f_code')
                if c in d:
                    name = d[c].get('name', '').split('.')[-1]
                    self.assertNotIn(name, ('walk', 'process'))
                    if o.get('root') == 'frame':
                        self.assertNotIn(name, ('_dump', 'dump'))


if __name__ == '__main__':
    unittest.main()
