"""Builds refgraph's binary wheel from parts already built (standard library
only; `make wheel` runs it, then auditwheel vendors the shared libraries):

    python3 python/wheel/build_wheel.py --binary .build/release/refgraph \\
        --plugin-dir /usr/lib/x86_64-linux-gnu/graphviz --out .build/wheel-raw

The wheel holds:
  refgraph_export/             the exporter, pure Python (2.7, 3.6+)
  refgraph/__init__.py, __main__.py
                               the launcher: `refgraph` on the PATH and
                               `python -m refgraph` exec the binary
  refgraph/_bin/refgraph       the analyzer (Swift runtime linked statically)
  refgraph/_bin/graphviz/      Graphviz's plugins that render needs, which
                               the binary registers itself (no config6, no
                               system plugin directory)
It is tagged py2.py3-none-linux_<arch>; `auditwheel repair` then copies
libgvc, libcgraph and the rest into refgraph.libs/, points the RPATHs
there and retags it manylinux (docs/WHEEL.md)."""
import argparse
import base64
import hashlib
import os
import re
import stat
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.path.dirname(HERE)
NAME = 'refgraph'
# core: svg, dot, json, ps and the other text formats; dot_layout: the dot
# engine; neato_layout: sfdp and neato. PNG and PDF need the cairo plugin and
# its ~60 libraries (X11, fonts): left out of the wheel (docs/WHEEL.md).
PLUGINS = ('core', 'dot_layout', 'neato_layout')


def version():
    """The exporter's __version__, which the analyzer's --version must match."""
    with open(os.path.join(PYTHON, 'refgraph_export', '__init__.py')) as f:
        m = re.search(r"^__version__ = '([^']+)'", f.read(), re.M)
    if not m:
        sys.exit('build_wheel: no __version__ in refgraph_export/__init__.py')
    return m.group(1)


def package_files():
    """(archive name, source path, executable) of every file the wheel holds
    but the binary and the plugins."""
    out = []
    for pkg, root in (('refgraph_export', os.path.join(PYTHON, 'refgraph_export')),
                      ('refgraph', os.path.join(HERE, 'refgraph'))):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != '__pycache__')
            for fn in sorted(filenames):
                if fn.endswith('.py'):
                    full = os.path.join(dirpath, fn)
                    out.append((pkg + '/' + os.path.relpath(full, root).replace(os.sep, '/'), full, False))
    return out


def entry_points():
    """entry_points.txt: `refgraph` (the launcher) and the exporter's own
    entry points as python/setup.cfg declares them (refgraph-export, the
    pytest11 plugin), so the wheel replaces `pip install ./python`."""
    try:
        import configparser
    except ImportError:  # Python 2
        import ConfigParser as configparser
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(PYTHON, 'setup.cfg'))
    groups = {'console_scripts': ['refgraph = refgraph.__main__:main']}
    for group, value in cfg.items('options.entry_points'):
        groups.setdefault(group, []).extend(line.strip() for line in value.splitlines() if line.strip())
    return ''.join('[%s]\n%s\n\n' % (g, '\n'.join(groups[g])) for g in sorted(groups))


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode('ascii')
    return '%s,sha256=%s,%d' % (name, digest, len(data))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--binary', required=True, help='the release refgraph binary')
    ap.add_argument('--plugin-dir', required=True, help="Graphviz's plugin directory")
    ap.add_argument('--out', required=True, help='directory for the wheel')
    args = ap.parse_args()

    ver = version()
    got = subprocess.check_output([args.binary, '--version']).decode('ascii', 'replace').strip()
    if got != ver:
        sys.exit('build_wheel: %s --version says %r, the exporter says %r' % (args.binary, got, ver))
    arch = os.uname()[4]
    tag = 'py2.py3-none-linux_' + arch
    files = package_files()
    files.append((NAME + '/_bin/refgraph', args.binary, True))
    for p in PLUGINS:
        src = os.path.join(args.plugin_dir, 'libgvplugin_%s.so.6' % p)
        if not os.path.exists(src):
            sys.exit('build_wheel: Graphviz plugin %s is missing (install libgraphviz-dev)' % src)
        files.append((NAME + '/_bin/graphviz/libgvplugin_%s.so.6' % p, os.path.realpath(src), False))

    dist_info = '%s-%s.dist-info' % (NAME, ver)
    meta = {
        'METADATA': '\n'.join([
            'Metadata-Version: 2.1', 'Name: ' + NAME, 'Version: ' + ver,
            'Summary: Why is this Python object still alive? Heap dumps, retention paths, leak suspects.',
            'License: MIT', 'Requires-Python: >=2.7',
            'Classifier: Programming Language :: Python :: 2.7',
            'Classifier: Programming Language :: Python :: 3', '', '']),
        'WHEEL': '\n'.join(['Wheel-Version: 1.0', 'Generator: refgraph build_wheel.py', 'Root-Is-Purelib: false',
                            'Tag: py2-none-linux_' + arch, 'Tag: py3-none-linux_' + arch, '', '']),
        'entry_points.txt': entry_points(),
        'top_level.txt': 'refgraph\nrefgraph_export\n',
    }
    if not os.path.isdir(args.out):
        os.makedirs(args.out)
    path = os.path.join(args.out, '%s-%s-%s.whl' % (NAME, ver, tag))
    tmp = path + '.tmp'
    records = []
    with zipfile.ZipFile(tmp, 'w', zipfile.ZIP_DEFLATED) as z:
        def add(name, data, executable):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if executable else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            z.writestr(info, data)
            records.append(record_line(name, data))
        for name, src, executable in files:
            with open(src, 'rb') as f:
                add(name, f.read(), executable)
        for fn in sorted(meta):
            add(dist_info + '/' + fn, meta[fn].encode('utf-8'), False)
        records.append(dist_info + '/RECORD,,')
        add_record = zipfile.ZipInfo(dist_info + '/RECORD', date_time=(2020, 1, 1, 0, 0, 0))
        add_record.compress_type = zipfile.ZIP_DEFLATED
        add_record.external_attr = (stat.S_IFREG | 0o644) << 16
        z.writestr(add_record, ('\n'.join(records) + '\n').encode('utf-8'))
    os.rename(tmp, path)
    print(path)


if __name__ == '__main__':
    main()
