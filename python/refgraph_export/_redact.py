"""Dict keys in edge labels without the data they may hold (issue 18, item 20).

With ``values=False`` (the default) a dict key is written as a label only
when it is structure, not data:

* keys of the dicts code gives names to (a module's, class's or instance's
  ``__dict__``, function globals, builtins, frame ``f_locals``, a
  function's ``__kwdefaults__``/``__annotations__``, a ``threading.local``'s
  dicts): every exact str that is a Python identifier, whatever its length;
  the keys of ``sys.modules``: module names,
  dotted parts of ASCII letters, digits, '_' and '-' or of identifiers;
* the keys of any other dict (data): an exact str of at most 32 ASCII
  characters matching ``[A-Za-z_][A-Za-z0-9_]*`` with at most 4 digits;
  None, True, False; an exact int below 10**6 in absolute value.

Every other key is written as ``[<redacted TYPE HASH>]``: TYPE is ``str``
(also 2.7 ``unicode``), ``bytes``, ``int`` (also 2.7 ``long``), ``float``
or the key's type name; HASH the first 8 hex digits of SHA-256 over
``TAG NUL DATA`` (TAG ``str``: the key's UTF-8; ``bytes``: its bytes;
``int``: its value in hex; ``float``: its repr; ``type`` for other types:
the type name only). With a salt (``salt=`` or ``REFGRAPH_REDACT_SALT``):
HMAC-SHA256 keyed with it. The same key gives the same label in every
process and every Python version (never ``hash()``, which is randomized).

Nothing here calls user code: keys are told apart by ``type(k) is ...``;
str subclasses are copied to exact str (``_safe.plain_str``), int and float
subclasses read through the builtin slots; types that cannot be read
safely are hashed by their name only.
"""
import re
import sys

from . import _safe
from ._safe import PY2

try:  # the C SHA-256, without hashlib (which would load OpenSSL's _hashlib)
    from _sha256 import sha256 as _sha256  # 2.7, 3.6-3.11
except ImportError:  # pragma: no cover - version dependent
    try:
        from _sha2 import sha256 as _sha256  # 3.12+
    except ImportError:
        from hashlib import sha256 as _sha256

if PY2:  # pragma: no cover - 2.7 only
    _text_types = (str, unicode)  # noqa: F821
    _int_types = (int, long)  # noqa: F821
    _unicode = unicode  # noqa: F821
else:
    _text_types = (str,)
    _int_types = (int,)
    _unicode = None

ENV_SALT = 'REFGRAPH_REDACT_SALT'
KEEP_MAX_LEN = 32  # data keys kept as written: at most this long ...
KEEP_MAX_DIGITS = 4  # ... with at most this many digits
KEEP_INT = 10 ** 6  # exact ints kept: |k| below this

# ASCII identifier of 1-32 characters, at most 4 of them digits (the
# lookahead: five digits anywhere fail). Explicit ASCII classes: \d and \w
# would take other scripts' digits and letters on 3.x.
_KEEP = re.compile(r'(?!(?:[^0-9]*[0-9]){5})[A-Za-z_][A-Za-z0-9_]{0,31}\Z')
_ASCII_IDENT = re.compile(r'[A-Za-z_][A-Za-z0-9_]*\Z')
# a module name: dotted parts of ASCII letters, digits, '_' and '-' (a module
# loaded from a file keeps its file's name: _sysconfigdata_m_linux_x86_64-linux-gnu)
_DOTTED = re.compile(r'[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\Z')
_ALL = slice(None)

_str_repr = str.__repr__
_float_repr = float.__repr__
_dict_label = _safe.dict_label
_isidentifier = getattr(str, 'isidentifier', None)  # 3.x: a C method of exact str
_isascii = getattr(str, 'isascii', None)  # 3.7+
_isalpha = str.isalpha
_replace = str.replace
_str_split = str.split
if PY2:  # pragma: no cover - 2.7 only
    # letters and '_': a 2.7 str made only of them is left empty by this
    # C-level translate (2.7 has no str.isascii/isidentifier)
    _LETTERS_US = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_'
    _str_translate = str.translate

# the current dump's settings: [values, salt (bytes) or None, inner, outer]
_MODE = [True, None, None, None]


def begin(values, salt):
    """Set the mode of the dump that starts: ``values`` (True: every key
    as it is, as before issue 18) and the salt (text or bytes; None or
    empty: none)."""
    _MODE[0] = bool(values)
    key = salt_bytes(salt)
    _MODE[1] = key
    if key:
        if len(key) > 64:
            key = _sha256(key).digest()
        key = key + b'\x00' * (64 - len(key))
        if PY2:
            ipad = ''.join([chr(ord(c) ^ 0x36) for c in key])
            opad = ''.join([chr(ord(c) ^ 0x5c) for c in key])
        else:
            ipad = bytes([c ^ 0x36 for c in key])
            opad = bytes([c ^ 0x5c for c in key])
        _MODE[2] = _sha256(ipad)
        _MODE[3] = _sha256(opad)
    else:
        _MODE[2] = _MODE[3] = None


def salt_bytes(salt):
    """The salt as bytes (text is UTF-8 encoded), or None."""
    if salt is None:
        return None
    if PY2 and type(salt) is _unicode:
        salt = salt.encode('utf-8')
    elif not PY2 and type(salt) is str:
        salt = salt.encode('utf-8', 'surrogateescape')
    if type(salt) is not bytes or not salt:
        return None
    return salt


def salted():
    return bool(_MODE[1])


def key_hash(tag, data):
    """First 8 hex digits of SHA-256 over tag NUL data (HMAC-SHA256 keyed
    with the salt when there is one). tag and data are bytes."""
    m = tag + b'\x00' + data
    inner = _MODE[2]
    if inner is None:
        return _sha256(m).hexdigest()[:8]
    h = inner.copy()
    h.update(m)
    o = _MODE[3].copy()
    o.update(h.digest())
    return o.hexdigest()[:8]


def _text_bytes(s):
    """UTF-8 of an exact str (2.7: a str is its own bytes, unicode encoded)."""
    if PY2:
        if type(s) is str:
            return s
        return _unicode.encode(s, 'utf-8')
    return str.encode(s, 'utf-8', 'surrogatepass')


def _redacted(name, tag, data):
    if len(name) > 40:
        name = name[:40]
    return '[<redacted ' + name + ' ' + key_hash(tag, data) + '>]'


def is_identifier(s):
    """s (an exact str; 2.7: str or unicode) is a Python identifier."""
    if PY2:
        return _ASCII_IDENT.match(s) is not None
    return _isidentifier(s)


def is_module_name(s):
    """s (an exact str) is a module name: 'xml.etree.ElementTree', dotted
    parts of ASCII letters, digits, '_' and '-', or (3.x) of identifiers."""
    if PY2:
        return _DOTTED.match(s) is not None
    if _DOTTED.match(s) is not None:
        return True
    for part in _str_split(s, '.'):
        if not _isidentifier(part):
            return False
    return True


def keep_text(s):
    """The data rule for an exact str: short ASCII identifier, few digits.
    3.7+: the str methods first (an ASCII identifier without digits, the
    commonest key, in three C calls; a regex match costs five times more)."""
    if len(s) > KEEP_MAX_LEN:
        return False
    if _isascii is not None:
        if not (_isascii(s) and _isidentifier(s)):
            return False
        if _isalpha(_replace(s, '_', 'a')):
            return True
    return _KEEP.match(s) is not None


def data_label(kk):
    """The label of a data dict's value under key kk, values=False: the
    key's repr when the rule above keeps it, else [<redacted TYPE HASH>]."""
    tk = type(kk)
    if tk is str or (PY2 and tk is _unicode):
        # keep_text, inline: one call per distinct key of the dump
        if len(kk) <= KEEP_MAX_LEN:
            if _isascii is not None:
                if _isascii(kk) and _isidentifier(kk):
                    if _isalpha(_replace(kk, '_', 'a')) or _KEEP.match(kk) is not None:
                        return _dict_label(kk)
            elif PY2 and tk is str and kk and not _str_translate(kk, None, _LETTERS_US):
                return _dict_label(kk)  # only letters and '_'
            elif _KEEP.match(kk) is not None:
                return _dict_label(kk)
        return _redacted('str', b'str', _text_bytes(kk))
    if tk is int or (PY2 and tk is long):  # noqa: F821
        if -KEEP_INT < kk < KEEP_INT:
            return '[%d]' % kk
        return _redacted('int', b'int', ('%x' % kk).encode('ascii'))
    if kk is None:
        return '[None]'
    if kk is True:
        return '[True]'
    if kk is False:
        return '[False]'
    if tk is float:
        return _redacted('float', b'float', _float_repr(kk).encode('ascii'))
    if not PY2 and tk is bytes:
        return _redacted('bytes', b'bytes', kk)
    return _other_redacted(kk, tk)


def _other_redacted(kk, tk):
    """A key of another type: str/bytes/int/float subclasses hashed by
    their value (read through the base type), anything else by its type's
    name only."""
    name = _safe.type_fullname(tk)
    try:
        m = _safe.mro(tk)
        among = _safe.among
        if among(str, m) or (PY2 and among(_unicode, m)):
            s = _safe.plain_str(kk)
            if s is not None:
                return _redacted(name, b'str', _text_bytes(s))
        elif not PY2 and among(bytes, m):
            return _redacted(name, b'bytes', bytes.__getitem__(kk, _ALL))
        elif among(bool, m):
            pass
        elif among(int, m):
            return _redacted(name, b'int', ('%x' % int.__int__(kk)).encode('ascii'))
        elif PY2 and among(long, m):  # noqa: F821
            return _redacted(name, b'int', ('%x' % long.__long__(kk)).encode('ascii'))  # noqa: F821
        elif among(float, m):
            return _redacted(name, b'float', _float_repr(kk).encode('ascii'))
    except Exception:
        pass
    if PY2 and type(name) is _unicode:
        data = name.encode('utf-8')
    elif PY2:
        data = name
    else:
        data = name.encode('utf-8', 'surrogatepass')
    return _redacted(name, b'type', data)


def dict_label(kk):
    """The label of a dict's value under kk in the current mode: as
    _safe.dict_label with values=True, else data_label."""
    if _MODE[0]:
        return _dict_label(kk)
    return data_label(kk)


def name_label(kk):
    """The label under kk in a dict code gives names to: an identifier
    (exact str) as it is, anything else by the data rule (values=False)."""
    if _MODE[0]:
        return _dict_label(kk)
    tk = type(kk)
    if (tk is str or (PY2 and tk is _unicode)) and is_identifier(kk):
        return _dict_label(kk)
    return data_label(kk)


def attr_label(name):
    """A 3.11+ inline attribute's label: '.name' for an identifier (an
    attribute set with setattr() under any other str is data: redacted
    like a data key, '.<redacted str HASH>')."""
    if _MODE[0] or is_identifier(name):
        return '.' + name
    return '.' + data_label(name)[1:-1]


def _warm():
    """Make, at import, whatever the first use would make lazily (codec
    and error-handler lookups, the hash objects), so that the first dump
    changes nothing the second sees."""
    save = _MODE[:]
    try:
        for salt in (None, 'x'):
            begin(False, salt)
            for k in ('a' * 40, u'\u00e9t\u00e9' * 20, 1 << 70, -(1 << 70), 0.5, b'xx' * 20, (1,),
                      True, None, 12):
                data_label(k)
            name_label('a' * 40)
            attr_label('a-b')
            is_module_name('a.b')
            if not PY2:
                is_module_name(u'\u00e9.b')
    finally:
        _MODE[:] = save


_warm()
