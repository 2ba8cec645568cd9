; hcall.s: a hostile guest that asks for host calls, the CP's own way in
; (section 5: HCALL exists only on the real machine the CP runs on; in a
; guest, as on any bare machine, it is an illegal instruction in either
; mode, docs/isa.md).  It loops forever.

.include "common.inc"            ; W, E[0], E[1] and the trap handler
         .entry start
start:   LI    resume, a1
         HCALL 0
a1:      LI    resume, a2
         HCALL 0x7FFFF
a2:      LI    resume, a3
         LPSW  upsw
a3:      JMP   start
upsw:    .word psw(USER, uh, 0, W)
uh:      HCALL 1

