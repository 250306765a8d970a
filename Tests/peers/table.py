"""Prints docs/PEERS.md's table from the PEERS_TABLE lines of a run:
    PEERS_TABLE=/tmp/rows.jsonl Tests/peers/run.sh; python3 Tests/peers/table.py /tmp/rows.jsonl
"""
import json, sys

PEERS = ['objgraph', 'meliae', 'refcycle', 'guppy3', 'pympler']


def cell(s):
    return s.replace('|', '\\|').replace('\n', ' ')


rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows.sort(key=lambda r: PEERS.index(r[0]) if r[0] in PEERS else 99)
print('| peer | test | what it asserts | refgraph counterpart | result |')
print('|---|---|---|---|---|')
for peer, test, asserts, counterpart, result in rows:
    print('| %s | %s | %s | %s | %s |' % (peer, cell(test), cell(asserts), ('`%s`' % cell(counterpart)) if counterpart else '—', cell(result)))
