import re,sys,statistics
calls=[]
for l in open(sys.argv[1]):
    m=re.match(r'call (\d+) at (\d+) ns: (\d+) us',l)
    if m: calls.append((int(m[1]),int(m[2]),int(m[3])))
ev=[]
for l in open(sys.argv[2]):
    m=re.match(r'\[(\d+)ns\](.*)',l)
    if m: ev.append((int(m[1]),m[2].strip()))
w=calls[10:]
med=statistics.median([c[2] for c in w])
def evs(c):
    lo=c[1]; hi=c[1]+c[2]*1000
    return [x[1] for x in ev if lo<=x[0]<=hi]
slow=[c for c in w if c[2]>2*med]
ours=lambda e: re.search(r'dev\.wengert',e)
print('median %.0f us; %d of %d calls after the 10th over 2x median; last slow call #%s'%(med,len(slow),len(w), slow[-1][0] if slow else '-'))
withjit=[c for c in slow if any(ours(e) for e in evs(c))]
print('  slow calls during which the JIT installed or dropped code of ours: %d'%len(withjit))
allwith=[c for c in w if any(ours(e) for e in evs(c))]
print('  all calls (after 10th) with such events: %d'%len(allwith))
late=[c for c in w if c[0]>=250]
lm=statistics.median([c[2] for c in late])
print('  calls 250+: median %.0f, max %.0f (%.1fx), compile events of ours in 250+: %d'%(lm,max(c[2] for c in late),max(c[2] for c in late)/lm, sum(1 for c in late for e in evs(c) if ours(e))))
for c in sorted(slow,key=lambda c:-c[2])[:6]:
    e=evs(c)
    print('   call %d %d us: %d events; %s'%(c[0],c[2],len(e),' | '.join(x[:90] for x in e if ours(x))[:300]))
