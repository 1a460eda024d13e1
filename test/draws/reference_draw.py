# Independent reimplementation of proofline-draw-v1 written from docs/decisions/003-auditable-draws.md alone
# (no shared code): `python3 reference_draw.py export.json` prints MATCH or MISMATCH.
import hashlib, hmac, json, sys
rec = json.load(open(sys.argv[1]))
seed, entries, rules = rec['seed'], rec['entries'], rec['rules']
assert hashlib.sha256(seed.encode()).hexdigest() == rec["seedHash"], "seed hash"
def u16key(s): return s.encode('utf-16-be')
can = sorted(entries, key=lambda e: u16key(e['id']))
digest = hashlib.sha256(''.join(f"{e['id']}\t{e['member']}\t{e['weight']}\n" for e in can).encode()).hexdigest()
assert digest == rec['entriesDigest'], 'digest'
key = hmac.new(seed.encode(), ('proofline-draw-v1\n' + digest).encode(), hashlib.sha256).digest()
buf, ctr = b'', 0
def take(n):
    global buf, ctr
    while len(buf) < n:
        buf += hmac.new(key, ctr.to_bytes(8, 'big'), hashlib.sha256).digest(); ctr += 1
    out, buf = buf[:n], buf[n:]; return out
def below(n):
    lim = (2**48 // n) * n
    while True:
        x = int.from_bytes(take(6), 'big')
        if x < lim: return x % n
w = [e['weight'] for e in can]; wins = {}; picks = []
slots = [(p['key'], False) for p in rules['prizes'] for _ in range(p['quantity'])] + [('reserve', True)] * rules['reserveCount']
for key_, res in slots:
    T = sum(w)
    if T == 0: break
    r = below(T); acc = 0
    for i, x in enumerate(w):
        acc += x
        if acc > r: break
    e = can[i]; w[i] = 0
    wins[e['member']] = wins.get(e['member'], 0) + 1
    if wins[e['member']] >= rules['maxWinsPerMember']:
        for j, o in enumerate(can):
            if o['member'] == e['member']: w[j] = 0
    picks.append({'rank': len(picks) + 1, 'prizeKey': key_, 'entryId': e['id'], 'member': e['member'], 'isReserve': res})
print('MATCH' if picks == rec['winners'] else 'MISMATCH', len(picks))
