"""The layer rule of Sources/RefGraph (docs/DECISIONS.md, Layers): a file
may name types of its own layer and the layers below it, never above.
Layers, lowest first:
    Support <- Model <- Load <- Select <- Analysis <- Report, Render <- Serve (<- the CLI target)
A type belongs to the folder whose file declares it at the top level.
Prints FILE:LINE for every upward reference and exits 1 when there is one.
Usage: python3 Tests/layers/check.py [REPO]   (run by make test-layers)
       python3 Tests/layers/check.py --self-test   (the check catches an injected violation)"""
import os, re, shutil, subprocess, sys, tempfile
if sys.argv[1:2] == ['--self-test']:
    # the rule must catch a violation: a Model file that names a Report type
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    tmp = tempfile.mkdtemp()
    try:
        shutil.copytree(os.path.join(here, 'Sources'), os.path.join(tmp, 'Sources'))
        with open(os.path.join(tmp, 'Sources', 'RefGraph', 'Model', 'SelfTest.swift'), 'w') as f:
            f.write('func upward(_ d: Describer) {}\n')
        r = subprocess.run([sys.executable, os.path.abspath(__file__), tmp], stdout=subprocess.PIPE, universal_newlines=True)
    finally:
        shutil.rmtree(tmp)
    ok = r.returncode == 1 and 'Model/SelfTest.swift:1: Model names Describer' in r.stdout
    print('layers self-test: %s' % ('an injected upward reference is caught' if ok else 'FAILED to catch an injected upward reference'))
    sys.exit(0 if ok else 1)
root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
LAYERS = [('Support',), ('Model',), ('Load',), ('Select',), ('Analysis',), ('Report', 'Render'), ('Serve',)]
rank = {}
for i, names in enumerate(LAYERS):
    for n in names:
        rank[n] = i
decl = re.compile(r'^(?:public |internal |private |fileprivate |package |final |indirect |@\w+ )*(?:struct|enum|class|protocol|actor|typealias)\s+([A-Z]\w*)', re.M)
files = {}
owner = {}
base = os.path.join(root, 'Sources', 'RefGraph')
for folder in os.listdir(base):
    d = os.path.join(base, folder)
    if not os.path.isdir(d):
        continue
    if folder not in rank:
        print('Sources/RefGraph/%s: a folder with no layer: add it to LAYERS in Tests/layers/check.py' % folder)
        sys.exit(1)
    for f in sorted(os.listdir(d)):
        if f.endswith('.swift'):
            p = os.path.join(d, f)
            text = open(p).read()
            files[p] = (folder, text)
            for m in decl.finditer(text):
                owner.setdefault(m.group(1), folder)
bad = 0
for p, (folder, text) in sorted(files.items()):
    code = re.sub(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"', '', text, flags=re.S)
    for name, f2 in sorted(owner.items()):
        if rank.get(f2, -1) > rank.get(folder, 99) and re.search(r'\b%s\b' % name, code):
            line = next(i + 1 for i, l in enumerate(text.splitlines()) if re.search(r'\b%s\b' % name, l))
            print('%s:%d: %s names %s, declared in %s (a higher layer)' % (os.path.relpath(p, root), line, folder, name, f2))
            bad += 1
print('layers: %d files, %d upward references' % (len(files), bad))
sys.exit(1 if bad else 0)
