"""Reads one pytest --junitxml report of Tests/leakcheck/cases and prints a
PASS/FAIL line per case: a leaky case (cases.EXPECT) must fail with its
holder's name and its leak-check report in the message, a clean case must
pass, a usage case (test_usage.USAGE) must fail saying why. Usage: check.py REPORT.xml LABEL MODE (MODE: analyzer | fallback |
sites: the analyzer with tracemalloc on, so each message names an
allocation site too).
Prints the counts last; exit 1 when a case is wrong."""
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cases'))
from test_cases import EXPECT  # noqa: E402
from test_usage import USAGE  # noqa: E402

# pytest < 8 (install.sh gets 4.6, 7.0, 7.4 there) prints no exception notes:
# the "cannot run twice" note is a report section, which junit XML leaves out
OLD_PYTEST = ('2.7', '3.6', '3.7')

report, label, mode = sys.argv[1:4]
root = ET.parse(report).getroot()
seen = {}
for case in root.iter('testcase'):
    name = case.get('name')
    fail = case.find('failure')
    if fail is None:
        fail = case.find('error')
    text = None if fail is None else (fail.get('message') or '') + '\n' + (fail.text or '')
    seen[name] = text
passed = failed = 0
names = sorted(set(EXPECT) | set(USAGE) | set(n for n in seen if n.startswith('test_clean')))
for name in names:
    text = seen.get(name, 'missing from the report')
    why = None
    if name in EXPECT:
        if name not in seen:
            why = 'missing from the report'
        elif text is None:
            why = 'passed, but it leaks'
        elif 'leaked in each of' not in text:
            why = 'failed, but not by the leak check: ' + text.strip().splitlines()[-1][:200]
        elif EXPECT[name] not in text:
            why = 'the message does not name the holder %r' % EXPECT[name]
        elif ('from refgraph diff' in text) != (mode in ('analyzer', 'sites')):
            why = 'the message does not say the %s ran' % mode
        elif mode == 'sites' and 'allocated at ' not in text:
            why = 'tracemalloc was on, but the message names no allocation site'
    elif name in USAGE:
        if text is None:
            why = 'passed, but it cannot be checked'
        elif 'leaked in each of' in text:
            why = 'failed as a leak'
        elif USAGE[name] not in text and not (USAGE[name] == 'cannot run twice in a row' and label in OLD_PYTEST):
            why = 'the message does not say %r' % USAGE[name]
    elif text is not None:
        why = 'failed, but it is clean: ' + text.strip().splitlines()[0][:300]
    if why:
        failed += 1
        print('FAIL  %-6s %-8s %-40s %s' % (label, mode, name, why))
        if text:
            print('      ' + text.strip().replace('\n', '\n      ')[:3000])
    else:
        passed += 1
        print('PASS  %-6s %-8s %s' % (label, mode, name))
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
