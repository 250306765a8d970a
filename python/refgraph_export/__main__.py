"""python -m refgraph_export run [--signal USR2] [--dir D] [--fork|--in-process] [--values] [--gzip] [--mode 600] script.py args...
python -m refgraph_export run ... -m module args...
python -m refgraph_export attach PID -o DUMP [--timeout S] [--fork]
python -m refgraph_export watch PID --rss-above 2GiB -o DUMP [--interval S] [--fork|--in-process]
python -m refgraph_export cleanup [DIR] [--dry-run] [--min-age SECONDS]

Runs the program as __main__ (runpy, sys.argv adjusted) with a signal handler
installed that writes a timestamped dump per signal."""
from __future__ import print_function

import argparse
import os
import runpy
import sys

from . import _core, _attach, _leftovers

_core._register_module(globals())


def _parser():
    p = argparse.ArgumentParser(prog='python -m refgraph_export',
                                description='refgraph heap exporter')
    sub = p.add_subparsers(dest='command')
    r = sub.add_parser('run', help='run a program with the dump signal handler installed')
    r.add_argument('--signal', default='USR2', help='signal name or number (default USR2)')
    r.add_argument('--dir', default='.', help='directory for the dumps (default .)')
    r.add_argument('--fork', action='store_const', const=True, default=None,
                   help='dump from a forked child, the pause being the fork (the default where os.fork exists)')
    r.add_argument('--in-process', dest='fork', action='store_const', const=False,
                   help='dump in the process: it stops for the whole dump')
    r.add_argument('--values', action='store_true', help='write str/bytes contents (first 100 chars)')
    r.add_argument('--gzip', action='store_true', help='write .jsonl.gz files')
    r.add_argument('--quiet', action='store_true', help='do not report dumps on stderr')
    r.add_argument('--mode', type=_core.parse_mode, default=_core.DEFAULT_MODE, metavar='OCTAL',
                   help='permission bits of the dump files (default 600)')
    r.add_argument('-m', dest='module', default=None, help='run a module (like python -m)')
    r.add_argument('argv', nargs=argparse.REMAINDER, help='script.py and its arguments')
    d = sub.add_parser('dump', help='dump this (new, nearly empty) interpreter; for testing')
    d.add_argument('path')
    d.add_argument('--values', action='store_true')
    d.add_argument('--fork', action='store_true')
    d.add_argument('--mode', type=_core.parse_mode, default=_core.DEFAULT_MODE, metavar='OCTAL',
                   help='permission bits of the dump file (default 600)')
    c = sub.add_parser('cleanup', help='remove temporary files that killed dumps left in DIR')
    c.add_argument('dir', nargs='?', default='.', help='directory (default .)')
    c.add_argument('--dry-run', action='store_true', help='list them, remove nothing')
    c.add_argument('--min-age', type=float, default=_leftovers.MIN_AGE, metavar='SECONDS',
                   help='leave files written to in the last SECONDS (default %d)' % _leftovers.MIN_AGE)
    _attach.add_parsers(sub)
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.command == 'dump':
        res = _core.dump(args.path, values=args.values, fork=args.fork, mode=args.mode)
        print('%s: %d objects, %d references, %.2fs' % (res.path, res.objects, res.references, res.seconds))
        return 0
    if args.command == 'cleanup':
        if not os.path.isdir(args.dir):
            print('refgraph_export cleanup: %s is not a directory' % args.dir, file=sys.stderr)
            return 2
        if args.dry_run:
            found = _leftovers.stale(args.dir, args.min_age)
        else:
            found = _leftovers.remove(args.dir, args.min_age)
        for f in found:
            print(('would remove ' if args.dry_run else 'removed ') + f)
        print('%d leftover temporary file%s %s' % (len(found), '' if len(found) == 1 else 's',
                                                   'found' if args.dry_run else 'removed'))
        return 0
    if args.command == 'attach':
        return _attach.main_attach(args)
    if args.command == 'watch':
        return _attach.main_watch(args)
    if args.command != 'run':
        _parser().print_help()
        return 2
    sig = args.signal
    if sig.isdigit():
        sig = int(sig)
    inst = _core.install(signal=sig, directory=args.dir, gzip=args.gzip, fork=args.fork,
                         values=args.values, verbose=not args.quiet, mode=args.mode)
    if args.module:
        sys.argv = [args.module] + args.argv
        try:
            runpy.run_module(args.module, run_name='__main__', alter_sys=True)
        finally:
            inst.wait()
        return 0
    if not args.argv:
        print('run: a script to run is required', file=sys.stderr)
        return 2
    script = args.argv[0]
    sys.argv = list(args.argv)
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    try:
        runpy.run_path(script, run_name='__main__')
    finally:
        inst.wait()  # dumps still being written by forked children
    return 0


if __name__ == '__main__':
    sys.exit(main())
