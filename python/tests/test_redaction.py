"""Dict keys in edge labels with values=False (issue 18, item 20): data
keys are written only when short and identifier-like, the rest as
[<redacted TYPE HASH>] with a hash that is the same in every process and
Python version (salted on request); names code gives (attributes, globals,
module names) are kept whatever their length."""
import hashlib
import hmac
import json
import re

from helpers import PY2, PYV, TempDirTest, run_script

TOKEN = 'tok-SECRETKEY-4f8a9c2e7d1b'
# SHA-256 over b'str\0' + the key's UTF-8 (b'int\0' + hex digits), first
# 8 hex digits: literals, so that every Python version must give them
TOKEN_HASH = 'a4edf0cf'
BIGINT = 12345678901234
BIGINT_HASH = 'fc7ea3b8'
TUPLE_HASH = 'aad42e26'  # b'type\0tuple': a tuple key, whatever it holds
LONG_ATTR = 'a_very_long_attribute_name_for_the_redaction_test'
PEPPER_HASH = 'b93a6437'  # HMAC-SHA256 keyed b'pepper'

# the heap: data dicts of every kind keyed by TOKEN, identifier keys, a
# long int key; an instance, a class and this module with names that are
# long or full of digits; prints the ids the tests need
SCRIPT = '''
    import sys, json, collections, functools
    import refgraph_export

    TOKEN = ''.join(['tok-', 'SECRETKEY', '-4f8a9c2e7d1b'])  # made, not a constant
    BIGINT = int('12345678901234')

    class Sub(dict):
        pass

    class MyStr(str):
        def __eq__(self, other):
            raise AssertionError('__eq__ of a key called')
        def __hash__(self):
            return str.__hash__(self)
        def __repr__(self):
            raise AssertionError('__repr__ of a key called')

    class Thing(object):
        a_class_attribute_with_a_long_name_1234567 = 1

    plain = {TOKEN: ['p'], 'timeout': ['t'], 'user_id': ['u'], 'DEBUG': ['d'], BIGINT: ['b'], 99: ['n'],
             (1, 2): ['tu'], None: ['none'], True: ['true'], 'v12345': ['digits'],
             'x' * 33: ['long'], 'user@example.com': ['mail'], '/etc/passwd': ['path'],
             'e3b0c44298fc1c149afbf4c8996fb924': ['hex'], u'caf\\u00e9': ['nonascii']}
    od = collections.OrderedDict([(TOKEN, ['o']), ('ok', ['k'])])
    dd = collections.defaultdict(list)
    dd[TOKEN].append('d')
    sub = Sub()
    sub[TOKEN] = ['s']
    sub['fine'] = ['f']
    sk = {MyStr(TOKEN): ['mystr']}
    bk = {TOKEN.encode('ascii'): ['bytes']}
    thing = Thing()
    setattr(thing, sys.argv[3], ['attr'])
    thing.v1234567 = ['digits']
    setattr(thing, TOKEN, ['setattr'])
    globals()[sys.argv[3]] = ['global']
    sys.modules['zz.odd-name_x86_64-linux-gnu'] = sys.modules['json']
    g1234567 = ['digit global']

    deco = functools.lru_cache(maxsize=8) if sys.version_info[0] > 2 else (lambda f: f)

    @deco
    def cached(k):
        return [k]
    if sys.version_info[0] > 2:
        cached(TOKEN)

    kw = {}
    if len(sys.argv) > 4:
        kw = json.loads(sys.argv[4])
    refgraph_export.dump(sys.argv[1], values=sys.argv[2] == 'values', **kw)
    ids = dict(plain=id(plain), od=id(od), dd=id(dd), sub=id(sub), sk=id(sk), bk=id(bk), thing=id(thing),
               cls=id(Thing), glob=id(globals()), mods=id(sys.modules), cached=id(cached),
               plain_items=dict((repr(k), id(v)) for k, v in plain.items()))
    if sys.version_info < (3, 11):
        ids['thing_dict'] = id(thing.__dict__)
    print(json.dumps(ids))
'''


def _redacted(kind, h):
    return '[<redacted %s %s>]' % (kind, h)


class Redaction(TempDirTest):

    def run_dump(self, name, values=False, attr=LONG_ATTR, kw=None, extra_env=None):
        path = self.path(name)
        args = [path, 'values' if values else 'names', attr]
        if kw:
            args.append(json.dumps(kw))
        env = {'REFGRAPH_REDACT_SALT': None}
        env.update(extra_env or {})
        rc, out, err = run_script(SCRIPT, args, extra_env=env)
        self.assertEqual(rc, 0, err[-3000:])
        ids = json.loads(out.strip().splitlines()[-1])
        return self.check_dump(path), ids, path

    def labels(self, d, a):
        return [l for l in (d[a].get('labels') or []) if l != '<key>']

    def test_secret_key_redacted_everywhere(self):
        """values=False: the token never appears in the dump's bytes; in a
        dict, OrderedDict, defaultdict, dict subclass, as a str subclass key
        (hashed by content, its methods never called), as bytes (2.7: str),
        as an attribute name given by setattr and as an lru_cache key."""
        d, ids, path = self.run_dump('d.jsonl')
        with open(path, 'rb') as f:
            raw = f.read()
        self.assertNotIn(TOKEN.encode('ascii'), raw)
        self.assertNotIn(b'SECRETKEY', raw)
        tok = _redacted('str', TOKEN_HASH)
        for name in ('plain', 'od', 'dd', 'sub'):
            self.assertIn(tok, self.labels(d, ids[name]), name)
        self.assertEqual(self.labels(d, ids['sk']), ['[<redacted __main__.MyStr %s>]' % TOKEN_HASH])
        bytes_hash = hashlib.sha256(b'bytes\x00' + TOKEN.encode('ascii')).hexdigest()[:8]
        self.assertEqual(self.labels(d, ids['bk']), [tok if PY2 else _redacted('bytes', bytes_hash)])
        if PYV >= (3, 11):
            attrs = self.labels(d, ids['thing'])
        else:
            attrs = self.labels(d, ids['thing_dict'])
        self.assertIn(('.<redacted str %s>' if PYV >= (3, 11) else '[<redacted str %s>]') % TOKEN_HASH, attrs)
        if PYV >= (3, 7):  # 3.6: the cache's links are gc objects, no cache[...] edges
            self.assertIn('cache' + tok, self.labels(d, ids['cached']))
        elif not PY2:  # 3.6 keys by the call's args tuple, held by a gc-visible link
            cache = d.edge(ids['cached'], 'cache')
            self.assertEqual(self.labels(d, cache), [_redacted('tuple', TUPLE_HASH)])
        self.assertNotIn(None, self.labels(d, ids['cached']))
        self.assertEqual(d.header['redact'], 'sha256')

    def test_data_rule(self):
        """Short identifier-like str keys, small ints, None/True stay; long
        or digit-heavy strs, emails, paths, hex digests, non-ASCII, long
        ints and tuples are redacted."""
        d, ids, path = self.run_dump('d.jsonl')
        lab = dict((r, l) for l, r in d.edges(ids['plain']) if l != '<key>')
        items = ids['plain_items']

        def label_of(key):
            return lab[items[key]]
        for k in ('timeout', 'user_id', 'DEBUG'):
            self.assertEqual(label_of(repr(k)), "['%s']" % k)
        self.assertEqual(label_of('99'), '[99]')
        self.assertEqual(label_of('None'), '[None]')
        self.assertEqual(label_of('True'), '[True]')
        self.assertEqual(label_of(repr(BIGINT)), _redacted('int', BIGINT_HASH))
        self.assertEqual(label_of('(1, 2)'), _redacted('tuple', TUPLE_HASH))
        self.assertEqual(label_of(repr(TOKEN)), _redacted('str', TOKEN_HASH))
        for k in ('v12345', 'x' * 33, 'user@example.com', '/etc/passwd', 'e3b0c44298fc1c149afbf4c8996fb924'):
            h = hashlib.sha256(b'str\x00' + k.encode('ascii')).hexdigest()[:8]
            self.assertEqual(label_of(repr(k)), _redacted('str', h), k)
        nonascii = [k for k in items if 'caf' in k][0]
        h = hashlib.sha256(b'str\x00' + u'caf\u00e9'.encode('utf-8')).hexdigest()[:8]
        self.assertEqual(lab[items[nonascii]], _redacted('str', h))
        # every label of a data key: a short identifier, a small int, None/True/False, or redacted
        ok = re.compile(r"\['[A-Za-z_][A-Za-z0-9_]{0,31}'\]\Z|\[-?\d{1,6}\]\Z|\[(None|True|False)\]\Z|"
                        r"\[<redacted [^ ]+ [0-9a-f]{8}>\]\Z")
        for l in lab.values():
            self.assertTrue(ok.match(l), l)

    def test_names_kept_however_long(self):
        """Attribute names, class attributes and module globals are names:
        kept when long or full of digits; sys.modules keeps dotted module
        names."""
        d, ids, path = self.run_dump('d.jsonl')
        if PYV >= (3, 11):
            attrs = self.labels(d, ids['thing'])
            self.assertIn('.' + LONG_ATTR, attrs)
            self.assertIn('.v1234567', attrs)
        else:
            attrs = self.labels(d, ids['thing_dict'])
            self.assertIn("['%s']" % LONG_ATTR, attrs)
            self.assertIn("['v1234567']", attrs)
        cls_dict = d.edge(ids['cls'], '__dict__')
        self.assertIn("['a_class_attribute_with_a_long_name_1234567']", self.labels(d, cls_dict))
        glob = self.labels(d, ids['glob'])
        self.assertIn("['%s']" % LONG_ATTR, glob)
        self.assertIn("['g1234567']", glob)
        mods = self.labels(d, ids['mods'])
        self.assertIn("['os.path']", mods)
        self.assertIn("['json.decoder']", mods)
        self.assertIn("['zz.odd-name_x86_64-linux-gnu']", mods)  # as _sysconfigdata_..._x86_64-linux-gnu
        self.assertFalse([l for l in mods if 'redacted' in l], mods)

    def test_values_true_writes_every_key(self):
        d, ids, path = self.run_dump('d.jsonl', values=True)
        with open(path, 'rb') as f:
            raw = f.read()
        self.assertIn(TOKEN.encode('ascii'), raw)
        self.assertIn('[%r]' % TOKEN if not PY2 else "['%s']" % TOKEN, self.labels(d, ids['plain']))
        self.assertIn('[<tuple>]', self.labels(d, ids['plain']))
        self.assertIn('[%d]' % BIGINT, self.labels(d, ids['plain']))
        self.assertNotIn('redact', d.header)

    def test_hash_stable_across_processes_and_versions(self):
        """Two processes with different PYTHONHASHSEED give the same labels
        (hash() is randomized, the label's hash is not); the hashes are the
        literals above, which every Python version must give."""
        d1, ids1, p1 = self.run_dump('a.jsonl', extra_env={'PYTHONHASHSEED': '1'})
        d2, ids2, p2 = self.run_dump('b.jsonl', extra_env={'PYTHONHASHSEED': '4242'})
        for name in ('plain', 'od', 'dd', 'sub', 'sk'):
            self.assertEqual(sorted(self.labels(d1, ids1[name])), sorted(self.labels(d2, ids2[name])), name)
        self.assertIn(_redacted('str', TOKEN_HASH), self.labels(d1, ids1['plain']))
        self.assertIn(_redacted('int', BIGINT_HASH), self.labels(d2, ids2['plain']))

    def test_salt(self):
        """A salt (argument or REFGRAPH_REDACT_SALT) keys an HMAC-SHA256:
        other hashes, the same for the same salt; the header says so."""
        d1, ids1, _ = self.run_dump('a.jsonl', kw={'salt': 'pepper'})
        d2, ids2, _ = self.run_dump('b.jsonl', extra_env={'REFGRAPH_REDACT_SALT': 'pepper'})
        want = hmac.new(b'pepper', b'str\x00' + TOKEN.encode('ascii'), hashlib.sha256).hexdigest()[:8]
        self.assertEqual(want, PEPPER_HASH)
        for d, ids in ((d1, ids1), (d2, ids2)):
            self.assertIn(_redacted('str', PEPPER_HASH), self.labels(d, ids['plain']))
            self.assertNotIn(_redacted('str', TOKEN_HASH), self.labels(d, ids['plain']))
            self.assertEqual(d.header['redact'], 'hmac-sha256')

    def test_salt_in_fork_mode(self):
        if not hasattr(__import__('os'), 'fork'):
            self.skipTest('no fork')
        d, ids, path = self.run_dump('f.jsonl', kw={'salt': 'pepper', 'fork': True})
        self.assertIn(_redacted('str', PEPPER_HASH), self.labels(d, ids['plain']))
        with open(path, 'rb') as f:
            self.assertNotIn(TOKEN.encode('ascii'), f.read())

    def test_bad_salt_refused_before_gc(self):
        import gc
        import refgraph_export
        was = gc.isenabled()
        self.assertRaises(TypeError, refgraph_export.dump, self.path('x.jsonl'), salt=12)
        self.assertEqual(gc.isenabled(), was)
        self.assertRaises(TypeError, refgraph_export.install, salt=['x'])


class NamesFoundLate(TempDirTest):

    def test_dict_written_before_its_owner_gets_its_names(self):
        """An instance dict reached (through a data reference) before the
        instance whose __dict__ it is: its line waits among the marked ones
        and the fix puts the names in. A data dict with the same keys that
        no __dict__ edge reaches keeps them redacted."""
        code = '''
            import sys, json, types
            import refgraph_export

            class Owner(object):
                pass
            o = Owner()
            o.an_attribute_name_longer_than_thirty_two = 1
            o.x12345 = 2
            d = vars(o)
            data = {'an_attribute_name_longer_than_thirty_two': 1, 'x12345': 2}
            m = types.ModuleType('zz_first')
            m.held = [d, data]  # the module imported last is walked first
            sys.modules[m.__name__] = m
            refgraph_export.dump(sys.argv[1])
            print(json.dumps({'dict': id(d), 'data': id(data), 'owner': id(o)}))
        '''
        path = self.path('late.jsonl')
        rc, out, err = run_script(code, [path], extra_env={'REFGRAPH_REDACT_SALT': None})
        self.assertEqual(rc, 0, err)
        ids = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        self.assertEqual(d.edge(ids['owner'], '__dict__'), ids['dict'])
        names = [l for l in d[ids['dict']]['labels'] if l != '<key>']
        self.assertEqual(sorted(names), sorted(["['an_attribute_name_longer_than_thirty_two']", "['x12345']"]))
        data = [l for l in d[ids['data']]['labels'] if l != '<key>']
        self.assertEqual(len(data), 2)
        self.assertTrue(all(l.startswith('[<redacted str ') for l in data), data)


if __name__ == '__main__':
    import unittest
    unittest.main()
