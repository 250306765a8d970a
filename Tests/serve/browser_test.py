"""`refgraph serve` in a real browser: headless Chromium driven through the
DevTools protocol (over --remote-debugging-pipe, so no extra package), plus
plain HTTP checks of the token, the headers and the file boundary.

It dumps a leaking service twice (leaky_service.py), serves both dumps, and
asserts what a user sees in each view: the top suspect in the overview, a
histogram row opening its instances, an expansion in the dominator tree that
survives a reload, a path on an object page, a rendered SVG, the selector's
error inline, the comparison's clusters, the token check, and hostile names
shown as text.

    python3 Tests/serve/browser_test.py --refgraph .build/release/refgraph [--screenshots docs/serve]
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
failures = []
passes = 0


def check(ok, what):
    global passes
    if ok:
        passes += 1
        print('ok   %s' % what)
    else:
        failures.append(what)
        print('FAIL %s' % what)


class Browser(object):
    """Chromium with the DevTools protocol on fds 3 and 4."""

    def __init__(self, profile):
        exe = shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
        if not exe:
            raise SystemExit('chromium is not installed: run make test-serve (it installs Debian\'s chromium)')
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def fds():
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)
        self.proc = subprocess.Popen(
            [exe, '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
             '--remote-debugging-pipe', '--user-data-dir=' + profile, '--hide-scrollbars', 'about:blank'],
            preexec_fn=fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b''
        self.next_id = 0
        target = self.call('Target.createTarget', {'url': 'about:blank'})['targetId']
        self.session = self.call('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
        self.call('Page.enable', session=True)
        self.call('Emulation.setDeviceMetricsOverride', {'width': 1280, 'height': 900, 'deviceScaleFactor': 1, 'mobile': False}, session=True)

    def call(self, method, params=None, session=False, timeout=30):
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session:
            msg['sessionId'] = self.session
        os.write(self.to_browser, json.dumps(msg).encode() + b'\0')
        deadline = time.time() + timeout
        while True:
            while b'\0' not in self.buffer:
                if time.time() > deadline:
                    raise RuntimeError('no answer to %s' % method)
                chunk = os.read(self.from_browser, 1 << 20)
                if not chunk:
                    raise RuntimeError('chromium exited')
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b'\0', 1)
            reply = json.loads(raw.decode('utf-8'))
            if reply.get('id') == self.next_id:
                if 'error' in reply:
                    raise RuntimeError('%s: %s' % (method, reply['error']))
                return reply.get('result', {})

    def eval(self, expr):
        r = self.call('Runtime.evaluate', {'expression': expr, 'returnByValue': True, 'awaitPromise': True}, session=True)
        if 'exceptionDetails' in r:
            raise RuntimeError('%s: %s' % (expr, r['exceptionDetails'].get('exception', {}).get('description')))
        return r['result'].get('value')

    def go(self, url):
        """Loads `url` as a new document (a blank page first, so that a
        change of fragment alone cannot leave the last view in place)."""
        self.call('Page.navigate', {'url': 'about:blank'}, session=True)
        self.wait("location.href === 'about:blank'")
        self.call('Page.navigate', {'url': url}, session=True)

    def wait(self, expr, timeout=20):
        """Polls `expr` until it is truthy; returns its value, or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                v = self.eval(expr)
            except RuntimeError:
                v = None
            if v:
                return v
            time.sleep(0.1)
        return None

    def screenshot(self, path):
        data = self.call('Page.captureScreenshot', {'format': 'png'}, session=True)['data']
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.call('Browser.close', timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def http(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--refgraph', required=True)
    ap.add_argument('--screenshots', help='also save a PNG of each view here')
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='refgraph-serve-')
    shots = args.screenshots or os.path.join(work, 'shots')
    os.makedirs(shots, exist_ok=True)
    server = browser = None
    try:
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'python'))
        before, after = 'before.jsonl', 'after.jsonl'
        # Compiled under its bare name and run in the work folder, so that the
        # pages (and the committed screenshots) show no path of this machine.
        run = ("import sys; sys.argv = ['leaky_service.py', %r, %r]; src = open(%r).read(); "
               "exec(compile(src, 'leaky_service.py', 'exec'), {'__name__': '__main__'})") % (before, after, os.path.join(HERE, 'leaky_service.py'))
        subprocess.check_call([sys.executable, '-c', run], env=env, cwd=work)
        server = subprocess.Popen([os.path.abspath(args.refgraph), 'serve', before, after, '--port', '0'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=work)
        line = server.stdout.readline().decode()
        check(line.startswith('refgraph serve: http://127.0.0.1:'), 'serve prints its URL on 127.0.0.1: %r' % line.strip())
        url = line.split(': ', 1)[1].strip()
        base, token = url.split('/?token=')
        check(len(token) == 32, 'the token has 128 bits')

        # The token, the headers and the file boundary, over plain HTTP.
        check(http(base + '/')[0] == 403, 'no token: 403')
        check(http(base + '/api/summary')[0] == 403, 'no token on the API: 403')
        check(http(base + '/api/summary?token=' + '0' * 32)[0] == 403, 'a wrong token: 403')
        check(http(base + '/app.js')[0] == 403, 'no token on the script: 403')
        status, headers, body = http(url)
        check(status == 200 and b'app.js' in body, 'the token: 200 and the page')
        csp = headers.get('Content-Security-Policy', '')
        check("script-src 'self'" in csp and 'unsafe-inline' not in csp.split('script-src')[1].split(';')[0], 'CSP allows scripts only from the server, none inline: %s' % csp)
        check(b'<script>' not in body and b'onclick' not in body, 'the page has no inline script')
        cookie = headers.get('Set-Cookie', '').split(';')[0]
        check(cookie == 'refgraph_token=' + token and 'HttpOnly' in headers.get('Set-Cookie', ''), 'the page sets an HttpOnly token cookie')
        check(http(base + '/api/meta', {'Cookie': cookie})[0] == 200, 'the cookie stands for the token')
        status, _, body = http(base + '/api/summary?token=%s&file=/etc/passwd&dump=../../etc/passwd' % token)
        check(status == 404 and b'root:' not in body, 'a path as dump: 404, no file read')
        for path in ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/api/../../etc/passwd', '//etc/passwd']:
            status, _, body = http(base + path + '?token=' + token)
            check(status == 404 and b'root:' not in body, 'no file outside the dumps: %s gets %d' % (path, status))
        status, _, body = http(base + '/api/summary?token=%s&dump=2' % token)
        check(status == 200 and json.loads(body)['file'] == after, '/api/summary names the dump as the CLI does')
        cli = json.loads(subprocess.check_output([os.path.abspath(args.refgraph), 'summary', after, '--json'], cwd=work))
        check(sorted(json.loads(body).keys()) == sorted(cli.keys()), '/api/summary has the field names of summary --json')
        sessions = json.loads(http(base + '/api/select?token=%s&dump=2&selector=Session&limit=1' % token)[2])
        check(sessions['total'] == 900, 'the selector API selects the 900 sessions: %s' % sessions.get('header'))
        session = sessions['objects'][0]['id']

        browser = Browser(os.path.join(work, 'profile'))
        page = url + '#/'

        # Overview: the top suspect, its path, the RSS verdict.
        browser.go(page + 'overview?dump=2')
        top = browser.wait("document.querySelector('.suspect-link') && document.querySelector('.suspect-link').textContent")
        check(top and '900 __main__.Session objects' in top, 'overview: the top suspect is the session dict: %r' % top)
        path = browser.eval("document.querySelector('.suspect .path').textContent")
        check('CACHE' in path and '.sessions' in path, 'overview: the suspect\'s path runs through CACHE.sessions')
        check(browser.eval("!!document.getElementById('rss-verdict')"), 'overview: the RSS verdict is shown')
        browser.screenshot(os.path.join(shots, 'overview.png'))

        # Histogram: sorted by a click, a row lists its instances.
        browser.go(page + 'histogram?dump=2')
        browser.wait("document.querySelector('#histogram .sort-count')")
        browser.eval("document.querySelector('#histogram .sort-count').click()")
        check(browser.wait("location.hash.includes('by=count') && document.querySelector('#histogram tr:nth-child(2) td').textContent"), 'histogram: sorting by count is a click and a URL')
        browser.go(page + 'histogram?dump=2&by=retained')
        browser.wait("[...document.querySelectorAll('#histogram td a')].find(a => a.textContent === '__main__.Session')")
        browser.screenshot(os.path.join(shots, 'histogram.png'))
        browser.eval("[...document.querySelectorAll('#histogram td a')].find(a => a.textContent === '__main__.Session').click()")
        n = browser.wait("location.hash.startsWith('#/members') && document.querySelectorAll('table.objects tr').length")
        check(n and n > 50, 'histogram: a click on __main__.Session lists its instances (%s rows)' % n)

        # Dominator tree: expand the top node, then reload its URL.
        browser.go(page + 'dominators?dump=2')
        browser.wait("document.querySelector('#dominator-tree li button.toggle')")
        first = browser.eval("document.querySelector('#dominator-tree > ul > li').dataset.id")
        browser.eval("document.querySelector('#dominator-tree > ul > li > button.toggle').click()")
        kids = browser.wait("document.querySelectorAll('#dominator-tree > ul > li:first-child > ul > li').length")
        check(kids and kids > 0, 'dominator tree: expanding the top object shows %s children' % kids)
        shared = browser.eval('location.href')
        check('open=' + first in shared.replace('%2C', ','), 'dominator tree: the expansion is in the URL')
        browser.go('about:blank')
        browser.go(shared)
        again = browser.wait("document.querySelectorAll('#dominator-tree > ul > li:first-child > ul > li').length")
        check(again == kids, 'dominator tree: reloading the URL shows the same expansion')
        browser.screenshot(os.path.join(shots, 'dominators.png'))
        before = browser.eval("document.querySelectorAll('#dominator-tree > ul > li[data-id]').length")
        if browser.eval("!!document.querySelector('#dominator-tree > ul > li > button.more')"):
            browser.eval("document.querySelector('#dominator-tree > ul > li > button.more').click()")
            after = browser.wait("document.querySelectorAll('#dominator-tree > ul > li[data-id]').length > %d && document.querySelectorAll('#dominator-tree > ul > li[data-id]').length" % before)
            check(before == 100 and after and after > 100, 'dominator tree: "more" pages in the next children (%s -> %s)' % (before, after))
        else:
            check(False, 'dominator tree: the tops of this heap fill more than one page (%s)' % before)

        # Object: fields, referrers, paths from roots, then its graph.
        browser.go(page + 'object?dump=2&id=' + session)
        p = browser.wait("document.querySelector('#paths .path') && document.querySelector('#paths').textContent")
        check(p and '.sessions' in p and "['CACHE']" in p, 'object: a path from a root through CACHE.sessions')
        check('Referrers' in browser.eval("document.querySelector('main').textContent"), 'object: referrers are listed')
        browser.screenshot(os.path.join(shots, 'object.png'))
        browser.eval("document.getElementById('graph-link').click()")
        nodes = browser.wait("document.querySelectorAll('#graph svg g.node').length")
        check(nodes and nodes > 2, 'graph: an SVG with %s objects, drawn in-process' % nodes)
        browser.screenshot(os.path.join(shots, 'graph.png'))
        browser.eval("document.querySelector('#graph svg g.node[id^=obj] text').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        check(browser.wait("location.hash.startsWith('#/object')"), 'graph: a click on an object opens its page')

        # Selector box: the parser's error inline, then a selection.
        browser.go(page + 'overview?dump=2')
        browser.wait("document.body.dataset.view === 'overview'")
        browser.eval("document.getElementById('selector').value = 'tpye == dict'; document.querySelector('#selector-form button').click()")
        err = browser.wait("!document.getElementById('selector-error').hidden && document.getElementById('selector-error').textContent")
        check(err and "unknown field 'tpye'" in err and '^^^^' in err, 'selector: the parser\'s error with its caret, inline: %r' % err)
        browser.screenshot(os.path.join(shots, 'selector-error.png'))
        browser.eval("document.getElementById('selector').value = 'Session'; document.querySelector('#selector-form button').click()")
        header = browser.wait("document.getElementById('selection-header') && document.getElementById('selection-header').textContent")
        check(header and header.startswith('900 objects match'), 'selector: a bare class name selects its 900 instances: %r' % header)

        # Hostile names: shown as text, never run.
        browser.go(page + 'select?dump=2&selector=' + urllib.request.quote('type ~ "pwned"'))
        title = browser.wait("document.querySelector('table.objects td a') && document.querySelector('table.objects td a').textContent")
        check(title and title.startswith('__main__.<script>window.pwned=1</script>'), 'escaping: a class named <script>... is shown as text')
        browser.go(page + 'select?dump=2&selector=' + urllib.request.quote('type == function and name ~ "pwned"'))
        label = browser.wait("document.querySelector('table.objects td a') && document.querySelector('table.objects td a').textContent")
        check(label and '<img src=x onerror="window.pwned=2">' in label, 'escaping: a function named <img onerror=...> is shown as text: %r' % label)
        browser.eval("document.querySelector('table.objects td a').click()")
        check(browser.wait("document.querySelector('h1') && document.querySelector('h1').textContent.includes('onerror')"), 'escaping: its object page titles it as text')
        check(browser.eval("window.pwned === undefined && document.scripts.length === 1 && document.querySelectorAll('main img, main script').length === 0"),
              'escaping: nothing from the dump ran or became an element')

        # Compare: growth and clusters; a click opens a cluster's path.
        browser.go(page + 'compare')
        c = browser.wait("document.querySelector('.cluster-link') && document.querySelector('#clusters').textContent")
        check(c and 'Session' in c, 'compare: the first leak cluster holds the new sessions')
        first = browser.eval("document.querySelector('.cluster').textContent")
        check('__main__.Session ×600' in first and browser.eval("document.querySelectorAll('.cluster').length") == 1,
              'compare: one cluster, with the 600 sessions the service added between the dumps (nothing of the exporter\'s own)')
        browser.screenshot(os.path.join(shots, 'compare.png'))
        browser.eval("document.querySelector('.cluster-link').click()")
        cp = browser.wait("location.hash.startsWith('#/cluster') && document.querySelector('.path') && document.querySelector('main').textContent")
        check(cp and '.sessions' in cp, 'compare: a cluster opens its path from a root')

        # The browser without the token (nor its cookie).
        browser.call('Network.clearBrowserCookies', session=True)
        browser.go(base + '/')
        body = browser.wait("document.body && document.body.textContent")
        check(body and '403' in body, 'browser: the page without the token is refused')
    finally:
        if browser:
            browser.close()
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    print('serve browser tests: %d passed, %d failed' % (passes, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
