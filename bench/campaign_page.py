#!/usr/bin/env python3
"""Campaign figures against a running demo town (see docs/benchmarks.md, campaign rows).

Opens the campaign as the planner, plans from the planner's page and times the run (from the click until the plan is shown),
then prints the technician's work-list page size for the busiest planned day, for
`beredskap bench http --login tekniker:demo --path '/tekniker?dag=DAY'` to time.
Usage: bench/campaign_page.py http://127.0.0.1:18182
"""
import re, sys, time
import requests

base = sys.argv[1].rstrip('/')

class Session:
    """Cookies by hand: the `__Host-` cookies are Secure, which a client's jar keeps off http."""

    def __init__(self):
        self.cookies = {}

    def _keep(self, r):
        for c in r.raw.headers.getlist('Set-Cookie'):
            k, v = c.split(';', 1)[0].split('=', 1)
            self.cookies[k] = v
        return r

    def _h(self, extra=None):
        h = {'Cookie': '; '.join(f'{k}={v}' for k, v in self.cookies.items()), 'Origin': base}
        h.update(extra or {})
        return h

    def get(self, url, headers=None):
        return self._keep(requests.get(url, headers=self._h(headers), allow_redirects=False))

    def post(self, url, data, headers=None):
        return self._keep(requests.post(url, data=data, headers=self._h(headers), allow_redirects=False))


def session(user):
    s = Session()
    page = s.get(f'{base}/logga-in')
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = s.post(f'{base}/logga-in', data={'username': user, 'password': 'demo', 'csrf': csrf})
    assert r.status_code in (200, 303), r.status_code
    return s

def csrf_of(s, path):
    return re.search(r'name="csrf" value="([^"]+)"', s.get(f'{base}{path}').text).group(1)

p = session('planerare')
tok = csrf_of(p, '/kampanj')
p.post(f'{base}/kampanj', data={'name': 'Mätarbyte', 'starts_on': time.strftime('%Y-%m-%d'), 'csrf': tok}).raise_for_status()
tok = csrf_of(p, '/kampanj')
t0 = time.monotonic()
r = p.post(f'{base}/kampanj/planera', data={'weeks': '1', 'csrf': tok})
assert r.status_code == 303, r.status_code
# The run goes on in the background; the progress page shows the plan once it is stored.
while True:
    r = p.get(f'{base}/kampanj/planering')
    r.raise_for_status()
    if '<progress' not in r.text:
        break
    time.sleep(0.1)
elapsed = time.monotonic() - t0
result = re.search(r'role="status">([^<]+)<', r.text)
print(f'plan run: {elapsed:.1f} s; {result.group(1) if result else "?"}')
days = sorted(set(re.findall(r'<option>(\d{4}-\d{2}-\d{2})</option>', r.text)))
t = session('tekniker')
best = max(days, key=lambda d: t.get(f'{base}/tekniker?dag={d}').text.count('<li class="card"'))
page = t.get(f'{base}/tekniker?dag={best}', headers={'Accept-Encoding': 'gzip'})
stops = page.text.count('<li class="card"')
print(f'work list {best}: {stops} stops, {len(page.content)} bytes uncompressed, '
      f'{page.raw.headers.get("content-length") or "?"} on the wire ({page.headers.get("content-encoding") or "identity"})')
print(f"time it with: beredskap bench http --url {base} --login tekniker:demo --path '/tekniker?dag={best}' --concurrency 50 --seconds 10")
