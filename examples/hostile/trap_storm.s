; trap_storm.s: a hostile guest that raises every trap cause in turn as fast
; as it can (section 2's traps): an illegal word, a privileged instruction
; in user mode, a memory trap, an SVC and a timer trap.  It loops forever.

.include "common.inc"            ; W, E[0], E[1] and the trap handler
         .entry start
start:   LI    resume, a1
         .word 0                  ; illegal
a1:      LI    resume, a2
         LPSW  upsw               ; user mode: HALT is privileged
a2:      LI    resume, a3
         LDX   t, W, k            ; past the memory
a3:      LI    resume, a4
         SVC   9
a4:      LI    resume, a5
         TSET  one
         LPSW  ion                ; I = 1 with a pending timer
         JMP   .
a5:      ADDI  k, k, 1
         JMP   start

upsw:    .word psw(USER, uhalt, 0, W)
ion:     .word pswi(SUP, a4 + 3, 0, W)
one:     .word 1
t:       .word 0
k:       .word 0
uhalt:   HALT

