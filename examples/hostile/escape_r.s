; escape_r.s: a hostile guest that sets R beyond its region and wrapping
; around q (sections 2 and 5: the allocator composes R' = (l + base,
; min(b, w - l)), so no address reaches outside the region).
;
; In supervisor mode it loads bounds past its memory and stores past it;
; in user mode it runs with l near its top and a bound that wraps past
; 2^19, and with l beyond any memory.  Every attempt must trap exactly as
; on a bare machine of W words; it loops forever.

.include "common.inc"            ; W, E[0], E[1] and the trap handler
         .entry start
start:   ADDI  k, k, 1
         AND   k, k, m63
         LI    resume, a1
         LDX   t, btab, i
         LR    t                  ; R := (0, b) with b past the region
         STX   W, k, k            ; E[W + k]: never inside a machine of W words
a1:      LR    full
         LI    resume, a2
         LPSW  wrap               ; user, l = W - 4, b = 2^19: l + b wraps past q
a2:      LR    full
         LI    resume, a3
         LPSW  far                ; user, l beyond any memory
a3:      LR    full
         ADDI  i, i, 1
         AND   i, i, three
         JMP   start

k:       .word 0
i:       .word 0
t:       .word 0
m63:     .word 63
three:   .word 3
btab:    .word rb(0, W), rb(0, W + 1), rb(0, 0x80000), rb(0, 0x7FFFF)
wrap:    .word psw(USER, 0, W - 4, 0x80000)
far:     .word psw(USER, 0, 0x7FFFF, 0x80000)


; user code at apparent 0 when l = W - 4: reads far past its 4 words
         .org  W - 4
         ADDI  3, 3, 1
         LDX   2, 0x7FFF0, 3      ; (0x7FFF0 + E[3]) mod 2^19: outside, or wraps to 0..3
         JMP   0
         .word 0
