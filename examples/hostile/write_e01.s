; write_e01.s: a hostile guest that tries to write the real machine's
; E[0] and E[1] (section 5: they belong to the CP; the guest's own E[0]
; and E[1] are virtual and live at the start of its region).
;
; It stores to every address that could alias the CP's words after
; relocation (2^19 - k wraps, W + k lies past the region), rewrites its own
; E[1] to a supervisor PSW with a bound of 2^19 and traps into it, then
; stores past its memory from there.  It loops forever.

.include "common.inc"            ; W, E[0], E[1] and the trap handler
         .entry start
start:   ADDI  k, k, 1
         AND   k, k, m15
         LI    resume, a1
         STX   0x7FFF0, k, evil   ; (2^19 - 16 + k) mod 2^19: outside a machine of W words
a1:      LI    resume, a2
         STX   W, k, evil         ; just past the region
a2:      MOV   0, evil            ; its own E[0] and E[1] are its to write
         MOV   1, evil            ; traps now enter `wide` with b = 2^19
         LI    resume, a3
         SVC   7
a3:      MOV   1, good
         JMP   start

wide:    ADDI  wides, wides, 1    ; supervisor with R = (0, 2^19) on a W-word machine
         MOV   1, good
         LI    resume, a3
         STX   W, k, evil         ; still outside: traps to the restored E[1]
         JMP   a3

k:       .word 0
m15:     .word 15
wides:   .word 0
evil:    .word psw(SUP, wide, 0, 0x80000)
good:    .word psw(SUP, trap, 0, W)

