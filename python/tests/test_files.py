"""Issue 18, items 15-18: the files a dump creates (no planted symlink is
followed, special files are never replaced, 0600 by default) and gc left as
it was found on every error path."""
import errno
import gc
import json
import os
import stat
import subprocess
import sys
import unittest

from helpers import PY2, TempDirTest, communicate, env, full_disk, run_script

import refgraph_export
from refgraph_export import _core, _attach

HAS_FORK = hasattr(os, 'fork')
SECRET = b'do not overwrite me\n'


class GcSpy(object):
    """Stands in for the gc module in _core: records every call that
    changes gc's state (and forwards everything)."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        real = getattr(gc, name)
        if name in ('disable', 'enable', 'set_threshold', 'collect', 'freeze'):
            def spy(*a):
                self.calls.append(name)
                return real(*a)
            return spy
        return real


class FilesBase(TempDirTest):
    def victim(self):
        v = self.path('victim')
        with open(v, 'wb') as f:
            f.write(SECRET)
        return v

    def assert_intact(self, v):
        with open(v, 'rb') as f:
            self.assertEqual(f.read(), SECRET)


class PlantedSymlinks(FilesBase):
    """Item 15: a symlink planted where the exporter creates a file."""

    def test_symlink_at_the_old_temporary_name_is_not_followed(self):
        final = self.path('d.jsonl')
        v = self.victim()
        os.symlink(v, '%s.tmp-%d' % (final, os.getpid()))  # the name before issue 18
        refgraph_export.dump(final)
        self.assert_intact(v)
        self.check_dump(final)
        self.assertTrue(os.path.islink('%s.tmp-%d' % (final, os.getpid())))

    def test_symlink_at_the_refix_file_is_not_followed(self):
        final = self.path('d.jsonl')
        v = self.victim()
        os.symlink(v, '%s.tmp-%d.fix' % (final, os.getpid()))
        refgraph_export.dump(final, _refix=True)
        self.assert_intact(v)
        self.check_dump(final)

    def test_guessed_names_retried_then_refused(self):
        # the random part is made to repeat: a planted symlink (or any
        # existing file) under the drawn name is never opened, another name
        # is drawn; after 100 draws the dump gives up with EEXIST
        final = self.path('d.jsonl')
        v = self.victim()
        prefix = '%s.tmp-%d' % (final, os.getpid())
        os.symlink(v, prefix + '-' + 'a' * 16)
        draws = []
        real = _core._random_suffix

        def suffix():
            draws.append(1)
            return 'a' * 16 if len(draws) < 3 else real()
        _core._random_suffix = suffix
        try:
            refgraph_export.dump(final)
        finally:
            _core._random_suffix = real
        self.assert_intact(v)
        self.check_dump(final)
        self.assertTrue(len(draws) >= 3)

        os.symlink(v, '%s.tmp-%d-%s' % (self.path('e.jsonl'), os.getpid(), 'a' * 16))
        _core._random_suffix = lambda: 'a' * 16
        try:
            with self.assertRaises(refgraph_export.DumpError) as cm:
                refgraph_export.dump(self.path('e.jsonl'))
        finally:
            _core._random_suffix = real
        self.assertEqual(cm.exception.errno, errno.EEXIST)
        self.assert_intact(v)
        self.assertFalse(os.path.exists(self.path('e.jsonl')))

    def test_temporary_names_are_unpredictable(self):
        names = set(_core.create_exclusive(self.path('x'))[1] for _ in range(20))
        self.assertEqual(len(names), 20)
        for n in names:
            self.assertTrue(os.path.basename(n).startswith('x-'))
            self.assertEqual(len(os.path.basename(n)), 2 + 16)
            self.assertEqual(stat.S_IMODE(os.lstat(n).st_mode), 0o600)

    @unittest.skipUnless(HAS_FORK, 'POSIX only')
    def test_fork_mode_symlink_not_followed(self):
        final = self.path('d.jsonl')
        v = self.victim()
        code = '''
            import os, sys
            import refgraph_export
            final, victim = sys.argv[1], sys.argv[2]
            real_fork = os.fork
            def fork():
                pid = real_fork()
                if pid == 0:  # as a neighbour guessing the child's pid would
                    os.symlink(victim, '%s.tmp-%d' % (final, os.getpid()))
                return pid
            os.fork = fork
            refgraph_export.dump(final, fork=True)
            print('ok')
        '''
        rc, out, err = run_script(code, [final, v])
        self.assertEqual(rc, 0, err)
        self.assert_intact(v)
        self.check_dump(final)

    def test_attach_status_file_symlink_not_followed(self):
        v = self.victim()
        os.symlink(v, self.path('status.tmp'))
        _attach._write_status(self.dir, 'status', {'ok': True})
        self.assert_intact(v)
        with open(self.path('status')) as f:
            self.assertEqual(json.load(f), {'ok': True})
        self.assertTrue(os.path.islink(self.path('status.tmp')))

    def test_attach_injected_script_status_symlink_not_followed(self):
        # the script gdb runs in the target writes 'started' first
        v = self.victim()
        os.symlink(v, self.path('started.tmp'))
        cfg = {'dir': self.dir, 'package': '/nonexistent', 'output': self.path('o.jsonl'),
               'fork': False, 'values': False}
        script = self.path('script.py')
        with open(script, 'w') as f:
            f.write(_attach._SCRIPT % json.dumps(cfg))
        p = subprocess.Popen([sys.executable, '-S', script], env=env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        communicate(p, 60)
        self.assert_intact(v)
        with open(self.path('started')) as f:
            self.assertEqual(json.load(f)['pid'], p.pid)

    def test_marked_lines_file_name_unpredictable(self):
        # the old names .refgraph-marked-PID-0 ... -999 taken: the dump works
        for i in range(1000):
            os.symlink(self.path('victim'), self.path('.refgraph-marked-%d-%d' % (os.getpid(), i)))
        refgraph_export.dump(self.path('d.jsonl'))
        self.check_dump(self.path('d.jsonl'))


class SpecialTargets(FilesBase):
    """Item 16: a target that exists and is not a regular file is refused,
    before gc is touched."""

    def refused(self, target, code):
        spy = GcSpy()
        _core.gc = spy
        try:
            with self.assertRaises(refgraph_export.DumpError) as cm:
                refgraph_export.dump(target)
        finally:
            _core.gc = gc
        self.assertEqual(cm.exception.errno, code)
        self.assertIn('refused', str(cm.exception))
        self.assertEqual(spy.calls, [])
        return cm.exception

    def test_fifo_refused(self):
        fifo = self.path('fifo')
        os.mkfifo(fifo)
        self.refused(fifo, errno.EINVAL)
        self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode))
        self.assertEqual(sorted(os.listdir(self.dir)), ['fifo'])

    @unittest.skipUnless(HAS_FORK, 'POSIX only')
    def test_fifo_refused_fork(self):
        fifo = self.path('fifo')
        os.mkfifo(fifo)
        with self.assertRaises(refgraph_export.DumpError):
            refgraph_export.dump(fifo, fork=True)
        self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode))

    def test_device_refused(self):
        # /dev/null itself is never at risk: the check comes first; as root the
        # old code replaced it with a regular file
        dev = self.path('null')
        try:
            os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except (OSError, AttributeError):
            self.skipTest('cannot make a device node here')
        self.refused(dev, errno.EINVAL)
        self.assertTrue(stat.S_ISCHR(os.lstat(dev).st_mode))

    def test_directory_refused(self):
        d = self.path('dir')
        os.mkdir(d)
        self.refused(d, errno.EISDIR)
        self.assertTrue(os.path.isdir(d))

    def test_symlink_target_refused(self):
        v = self.victim()
        link = self.path('link.jsonl')
        os.symlink(v, link)
        self.refused(link, errno.ELOOP)
        self.assertTrue(os.path.islink(link))
        self.assert_intact(v)

    def test_regular_file_replaced(self):
        target = self.path('old.jsonl')
        with open(target, 'wb') as f:
            f.write(b'old')
        refgraph_export.dump(target)
        self.check_dump(target)


class Permissions(FilesBase):
    """Item 17: dumps are 0600 unless asked otherwise (umask not applied)."""

    def mode_of(self, p):
        return stat.S_IMODE(os.stat(p).st_mode)

    def test_default_0600(self):
        old = os.umask(0o022)
        try:
            p = self.path('d.jsonl')
            refgraph_export.dump(p)
            self.assertEqual(self.mode_of(p), 0o600)
            p = self.path('d.jsonl.gz')
            refgraph_export.dump(p, _refix=True)
            self.assertEqual(self.mode_of(p), 0o600)
        finally:
            os.umask(old)

    @unittest.skipUnless(HAS_FORK, 'POSIX only')
    def test_default_0600_fork(self):
        old = os.umask(0o022)
        try:
            p = self.path('d.jsonl')
            refgraph_export.dump(p, fork=True)
            self.assertEqual(self.mode_of(p), 0o600)
        finally:
            os.umask(old)

    def test_mode_option_exact(self):
        old = os.umask(0o077)
        try:
            p = self.path('d.jsonl')
            refgraph_export.dump(p, mode=0o640)
            self.assertEqual(self.mode_of(p), 0o640)
        finally:
            os.umask(old)

    def test_existing_file_gets_the_mode(self):
        p = self.path('d.jsonl')
        with open(p, 'wb') as f:
            f.write(b'x')
        os.chmod(p, 0o666)
        refgraph_export.dump(p)
        self.assertEqual(self.mode_of(p), 0o600)

    def test_cli_mode(self):
        p = self.path('cli.jsonl')
        q = self.path('cli2.jsonl')
        for args, path, want in ((['dump', p], p, 0o600), (['dump', '--mode', '640', q], q, 0o640)):
            proc = subprocess.Popen([sys.executable, '-m', 'refgraph_export'] + args, env=env(),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=self.dir)
            out, err = communicate(proc, 120)
            self.assertEqual(proc.returncode, 0, err)
            self.assertEqual(self.mode_of(path), want)
        self.assertEqual(_core.parse_mode('0o640'), 0o640)
        for bad in ('999', '7777', '', 'rw'):
            self.assertRaises(ValueError, _core.parse_mode, bad)

    def test_bad_mode(self):
        self.assertRaises(ValueError, refgraph_export.dump, self.path('a'), mode=0o4755)
        self.assertRaises(TypeError, refgraph_export.dump, self.path('a'), mode='600')
        self.assertRaises(TypeError, refgraph_export.install, directory=self.dir, mode='600')

    def test_install_directory_0700(self):
        old = os.umask(0o022)
        try:
            s = refgraph_export.snapshot_series(self.path('series'), every=0.01, count=1)
            s.join(60)
        finally:
            os.umask(old)
        self.assertEqual(s.errors, [])
        self.assertEqual(self.mode_of(self.path('series')), 0o700)
        self.assertEqual(self.mode_of(s.paths[0]), 0o600)


class GcRestored(FilesBase):
    """Item 18: every error path leaves gc's enabled flag and thresholds as
    they were; argument errors do not touch gc at all."""

    STATES = ((False, (123, 4, 5)), (True, (701, 11, 12)))

    def setUp(self):
        FilesBase.setUp(self)
        self.saved = (gc.isenabled(), gc.get_threshold())

    def tearDown(self):
        gc.set_threshold(*self.saved[1])
        (gc.enable if self.saved[0] else gc.disable)()
        FilesBase.tearDown(self)

    def each_state(self, call, exc, untouched=False):
        for enabled, thresholds in self.STATES:
            (gc.enable if enabled else gc.disable)()
            gc.set_threshold(*thresholds)
            spy = GcSpy()
            _core.gc = spy
            try:
                self.assertRaises(exc, call)
            finally:
                _core.gc = gc
            self.assertEqual(gc.isenabled(), enabled)
            self.assertEqual(gc.get_threshold(), thresholds)
            if untouched:
                self.assertEqual(spy.calls, [])
        self.assertEqual([n for n in os.listdir(self.dir) if '.tmp-' in n or 'marked' in n], [])

    def test_bad_arguments(self):
        dump = refgraph_export.dump
        p = self.path('a.jsonl')
        self.each_state(lambda: dump(None), TypeError, True)
        self.each_state(lambda: dump(123), TypeError, True)
        self.each_state(lambda: dump(['a']), TypeError, True)
        self.each_state(lambda: dump(''), ValueError, True)
        self.each_state(lambda: dump(p + '\0x'), ValueError, True)
        self.each_state(lambda: dump(p, compresslevel='1'), TypeError, True)
        self.each_state(lambda: dump(p + '.gz', compresslevel=12), ValueError, True)
        self.each_state(lambda: dump(p, mode=-1), ValueError, True)
        self.each_state(lambda: dump(p, values='yes'), TypeError, True)
        self.each_state(lambda: dump(p, no_such_option=1), TypeError, True)
        self.assertFalse(os.path.exists(p))

    def test_bytes_path(self):
        # 3.x: a bytes path is decoded with the file system encoding (it was a
        # TypeError raised with gc disabled, outside the try/finally)
        p = self.path('b.jsonl')
        for enabled, thresholds in self.STATES:
            (gc.enable if enabled else gc.disable)()
            gc.set_threshold(*thresholds)
            res = refgraph_export.dump(p.encode('utf-8'))
            self.assertEqual(gc.isenabled(), enabled)
            self.assertEqual(gc.get_threshold(), thresholds)
            self.assertEqual(res.path, p)
            self.check_dump(p)

    def test_special_targets(self):
        os.mkdir(self.path('dir'))
        os.mkfifo(self.path('fifo'))
        os.symlink(self.path('x'), self.path('link'))
        for name in ('dir', 'fifo', 'link'):
            self.each_state(lambda: refgraph_export.dump(self.path(name)),
                            refgraph_export.DumpError, True)

    def test_missing_directory(self):
        self.each_state(lambda: refgraph_export.dump(self.path('no/such/x.jsonl')),
                        refgraph_export.DumpError)

    @unittest.skipUnless(HAS_FORK, 'POSIX only')
    def test_unwritable_directory(self):
        os.chmod(self.dir, 0o755)
        ro = self.path('ro')
        os.mkdir(ro, 0o555)
        pid = os.fork()
        if pid == 0:  # as another user when root (root writes anywhere)
            code = 1
            try:
                if os.geteuid() == 0:
                    os.setgid(65534)
                    os.setuid(65534)
                self.each_state(lambda: refgraph_export.dump(os.path.join(ro, 'x.jsonl')),
                                refgraph_export.DumpError)
                code = 0
            except BaseException as e:
                try:
                    sys.stderr.write('child: %r\n' % (e,))
                except BaseException:
                    pass
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(status, 0)

    def test_disk_full(self):
        if not os.path.exists('/dev/full'):
            self.skipTest('no /dev/full')
        p = self.path('full.jsonl')
        with full_disk():
            self.each_state(lambda: refgraph_export.dump(p), refgraph_export.DumpError)
            self.each_state(lambda: refgraph_export.dump(p + '.gz'), refgraph_export.DumpError)
        self.assertEqual(os.listdir(self.dir), [])

    def test_write_error_from_writer(self):
        real = _core._sink

        def sink(fh, level, beat=None):
            write, finish, parts = real(fh, level, beat)
            n = [0]

            def failing(data):
                n[0] += 1
                if n[0] > 3:
                    raise IOError(errno.EIO, 'injected write error')
                return write(data)
            return failing, finish, parts
        _core._sink = sink
        try:
            self.each_state(lambda: refgraph_export.dump(self.path('w.jsonl')),
                            refgraph_export.DumpError)
        finally:
            _core._sink = real

    def test_exception_in_the_walk(self):
        real = _core._walk.walk

        class Boom(Exception):
            pass

        def walk(*a):
            raise Boom()
        _core._walk.walk = walk
        try:
            self.each_state(lambda: refgraph_export.dump(self.path('w.jsonl')), Boom)
        finally:
            _core._walk.walk = real
        self.assertEqual(os.listdir(self.dir), [])

    def test_busy(self):
        # a dump while one runs: RuntimeError, gc untouched by the second
        _core._busy.acquire()
        try:
            self.each_state(lambda: refgraph_export.dump(self.path('b.jsonl')), RuntimeError, True)
        finally:
            _core._busy.release()


if __name__ == '__main__':
    unittest.main()
