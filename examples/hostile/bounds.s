; bounds.s: a hostile guest at the extremes of R (section 2): a bound of
; 0 (even the next fetch traps), the largest bound 2^19 with l = 0 and
; with l = 2^19 - 1, and a bound of 1.  It loops forever.

.include "common.inc"            ; W, E[0], E[1] and the trap handler
         .entry start
start:   LI    resume, a1
         LR    zero               ; supervisor, b = 0: the next fetch traps
a1:      LR    full
         LI    resume, a2
         LPSW  u0                 ; user, b = 0
a2:      LR    full
         LI    resume, a3
         LPSW  umax               ; user, l = 0, b = 2^19
a3:      LR    full
         LI    resume, a4
         LPSW  utop               ; user, l = 2^19 - 1, b = 2^19
a4:      LR    full
         LI    resume, a5
         LPSW  uone               ; user, b = 1: only apparent 0
a5:      LR    full
         JMP   start

zero:    .word rb(0, 0)
u0:      .word psw(USER, 0, 0, 0)
umax:    .word psw(USER, probe, 0, 0x80000)
utop:    .word psw(USER, 0, 0x7FFFF, 0x80000)
uone:    .word psw(USER, 0, 0, 1)
probe:   LDX   t, W - 1, k        ; reads E[W - 1 + k]: the first k >= 1 traps
         ADDI  k, k, 1
         AND   k, k, m3
         JMP   probe
t:       .word 0
k:       .word 0
m3:      .word 3

