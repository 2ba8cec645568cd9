; spin.s: a hostile guest that never gives the processor back: supervisor
; mode, I = 0, no timer, a one-instruction loop (section 5: only the CP's
; own real timer can end its slice).

W = 256
         .org  0
         .word 0
         .word psw(SUP, spin, 0, W)
         .entry start
start:   TSET  off
spin:    JMP   spin
off:     .word 0
