; compute.s: a compute-bound guest, the efficiency example (sections 1 and 5).
;
; Section 5's efficiency property asks that every innocuous instruction run
; directly on the processor, and section 1 that these be "a statistically
; dominant subset" of what a guest executes.  This program sums i*i for
; i = N down to 1 (N = 100000) in a loop of three innocuous instructions
; (MUL, ADD, DJNZ), then prints the total in decimal.  Its only privileged
; instructions are the SPSW that records the PSW it starts with, the COUT
; of each character of its one line of output and the final HALT: 45
; privileged instructions executed against some 300,000 innocuous ones, so
; under the control program more than 99.9% of it runs directly:
;
;   tgm run --vmm --stats examples/compute.s
;
; Expected: total = N(N+1)(2N+1)/6 = 333338333350000; console
; "sum of squares 1..100000 = 333338333350000\n"; i = 0 (the loop counts
; down); where = the PSW SPSW stored (supervisor, I = 0, P = start + 1,
; R = all of E); no traps.

        .org  0
        .word 0                             ; E[0]: a trap stores the old PSW here
        .word psw(SUP, fault, 0, 0x80000)   ; E[1]: new PSW: a trap goes to fault

N = 100000                      ; how many squares to add

        .entry start
start:  SPSW  where             ; privileged: where := the PSW, P advanced
        LI    i, N
        LI    total, 0
loop:   MUL   sq, i, i          ; sq := i * i
        ADD   total, total, sq  ; total := total + sq
        DJNZ  i, loop           ; i := i - 1; again until it reaches 0

        LI    s, m_sum          ; "sum of squares 1..N = TOTAL\n"
        JAL   puts_ret, puts
        LI    num, N
        JAL   putn_ret, putn
        LI    s, m_eq
        JAL   puts_ret, puts
        MOV   num, total
        JAL   putn_ret, putn
        LI    s, m_nl
        JAL   puts_ret, puts
stop:   HALT                    ; the end: P stops at stop + 1

fault:  HALT                    ; an unexpected trap stops here; E[0] says where

.include "print.inc"   ; puts and putn, and their words

where:  .word 0
i:      .word 0
sq:     .word 0
total:  .word 0

m_sum:  .asciz "sum of squares 1.."
m_eq:   .asciz " = "
m_nl:   .asciz "\n"
