; timer.s: a hostile guest that disables and starves the interval timer
; (section 5: the CP must regain the processor whatever the guest does
; with its virtual timer).  It arms 2^62 cycles (far beyond any run, if
; not the largest time, 2^63 - 1), disarms it, spins with I = 0 for long
; stretches, and storms with a timer of 1 cycle and I = 1.  It loops forever.

W = 256
         .org  0
         .word 0
         .word psw(SUP, tick, 0, W)
         .entry start
start:   TSET  forever            ; armed for 2^62 cycles
         TGET  left
         LI    n, 20000
spin:    DJNZ  n, spin            ; I = 0: no interrupt can come
         TSET  minus              ; disarmed
         LI    n, 20000
spin2:   DJNZ  n, spin2
         LI    storms, 50
         TSET  one
         LPSW  on                 ; I = 1: the timer traps at once
storm:   JMP   storm

tick:    ADDI  ticks, ticks, 1    ; every timer trap lands here with I = 0
         DJNZ  storms, again
         JMP   start
again:   TSET  one
         LPSW  on

forever: .word 1 << 62
minus:   .word -1
one:     .word 1
on:      .word pswi(SUP, storm, 0, W)
left:    .word 0
n:       .word 0
storms:  .word 0
ticks:   .word 0
