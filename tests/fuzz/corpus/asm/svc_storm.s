; svc_storm.s: a hostile guest that traps as fast as it can: SVC in a loop
; in user and supervisor mode, its handler returning at once (sections 2
; and 5: every SVC is reflected to the guest's own E[1]).  It loops forever.

W = 256
         .org  0
         .word 0
         .word psw(SUP, handler, 0, W)
         .entry start
start:   LI    n, 1000
sup:     SVC   1
         DJNZ  n, sup
         LI    n, 1000
         LPSW  upsw
usr:     SVC   2
         DJNZ  n, usr
         SVC   3                  ; back to supervisor
handler: ADDI  traps, traps, 1
         SHR   cause, 0, k58
         AND   cause, cause, m4
         BEQ   0, last, home      ; the user loop's final SVC 3
         ADD   0, 0, p_one
         LPSW  0
home:    JMP   start

upsw:    .word psw(USER, usr, 0, W)
last:    .word (3 << 58) | psw(USER, usr + 2, 0, W)
n:       .word 0
traps:   .word 0
cause:   .word 0
k58:     .word 58
m4:      .word 15
p_one:   .word 1 << 39
