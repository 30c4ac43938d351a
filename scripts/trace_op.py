#!/usr/bin/env python3
"""Count the instructions of one kernel operation, per function, exactly.

  trace_op.py PORT SYSTEM_MAP ENTRY_SYMBOL OPS

Attached to QEMU's gdbstub (tcp PORT), it stops the guest at ENTRY_SYMBOL,
single-steps it until it returns to user space (with LOOP=1: until it reaches
ENTRY_SYMBOL again, user space and other tasks included; with RET=1: until
ENTRY_SYMBOL returns to its caller), OPS times (after SKIP=N calls left
untraced), and prints the mean count per operation and per function (from SYSTEM_MAP),
then the mean number of calls of each function per operation.
scripts/trace-op.sh runs it against a guest looping in bench/nsspin.c.
"""
import socket, sys, bisect, collections
port, sysmap, entry, nops = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
import os
LOOP = os.environ.get('LOOP') == '1'
RET = os.environ.get('RET') == '1'
SKIP = int(os.environ.get('SKIP', '0'))
syms = []
for line in open(sysmap):
    a, t, name = line.split()[:3]
    if t in 'tTwW':
        syms.append((int(a, 16), name))
syms.sort(); addrs = [a for a, _ in syms]
symaddr = {n: a for a, n in syms}
def sym(pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return syms[i][1] if i >= 0 else '?'
s = socket.create_connection(('127.0.0.1', port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
buf = b''
def recv_packet():
    global buf
    while True:
        i = buf.find(b'$')
        j = buf.find(b'#', i + 1) if i >= 0 else -1
        if i >= 0 and j >= 0 and len(buf) >= j + 3:
            pkt = buf[i + 1:j]; buf = buf[j + 3:]
            s.sendall(b'+')
            return pkt
        d = s.recv(65536)
        if not d: raise EOFError
        buf += d
def send(cmd):
    c = sum(cmd.encode()) & 0xff
    s.sendall(b'$' + cmd.encode() + b'#%02x' % c)
def cmd(c):
    send(c)
    r = recv_packet()
    while r[:1] in (b'T', b'S'):
        r = recv_packet()
    return r
def step():
    send('s')
    r = recv_packet()
    while r[:1] not in (b'T', b'S'):
        r = recv_packet()
def regs():
    send('g')
    r = recv_packet()
    while r[:1] in (b'T', b'S') or len(r) < 300:
        r = recv_packet()
    return r.decode()
def reg64(r, index):
    return int.from_bytes(bytes.fromhex(r[index * 16:index * 16 + 16]), 'little')
def pc():
    return reg64(regs(), 16)
def return_address():
    """The return address on the stack at a function's first instruction."""
    rsp = reg64(regs(), 7)
    return int.from_bytes(bytes.fromhex(cmd('m%x,8' % rsp).decode()), 'little')
s.sendall(b'+')
send('?'); recv_packet()
import time; time.sleep(0.3)
s.setblocking(False)
try:
    while True:
        d = s.recv(65536)
        if not d: break
except BlockingIOError:
    pass
s.setblocking(True)
buf = b''
bp = symaddr[entry]
cmd('Z0,%x,1' % bp)
total = collections.Counter()
calls = collections.Counter()
# PCS=SYMBOL: also count each instruction of SYMBOL, to read against objdump.
pcs_of = os.environ.get('PCS')
pcs = collections.Counter()
entries = {a: n for a, n in syms}
for _ in range(SKIP):
    # Let the first calls run untraced: the steady state comes later.
    send('c')
    r = recv_packet()
    while r[:1] not in (b'T', b'S'):
        r = recv_packet()
for op in range(nops):
    send('c')
    r = recv_packet()
    while r[:1] not in (b'T', b'S'):
        r = recv_packet()
    cur = pc()
    assert cur == bp, hex(cur)
    steps = 0
    ret = return_address() if RET else None
    while cur >= 0xffffffff80000000 or LOOP:
        if (cur == bp and steps) or cur == ret:
            break
        total[sym(cur) if cur >= 0xffffffff80000000 else '<user>'] += 1
        if cur in entries:
            calls[entries[cur]] += 1
        if pcs_of and cur >= 0xffffffff80000000 and sym(cur) == pcs_of:
            pcs[cur] += 1
        step()
        cur = pc()
        steps += 1
        if steps > 2000000: break
    print('op', op, 'steps', steps, flush=True)
print('total per op:', sum(total.values()) / nops)
for name, c in total.most_common():
    print('%8.1f %s' % (c / nops, name))
for pc in sorted(pcs):
    print('pc %x %8.1f' % (pc, pcs[pc] / nops))
print('calls per op:')
for name, c in calls.most_common():
    print('calls %8.1f %s' % (c / nops, name))
