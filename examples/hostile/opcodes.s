; opcodes.s: a hostile guest that executes every opcode, 0 to 127, with a
; C field of all ones, first in supervisor and then in user mode, and HCALL
; in both modes (section 5: a guest has no host calls and no instruction
; its bare machine lacks; docs/isa.md: a word whose opcode is not the
; profile's, or whose unused fields are not zero, is an illegal
; instruction, in either mode, before any privileged trap).  Where C is an
; operand the word develops E[2^19 - 1] and takes a memory trap; where it
; is an immediate (ADDI, LI) the word completes; where it is a branch
; target the jump's fetch traps.  The last 64 traps' old PSWs go to a
; log; then it HALTs: `tgm check --mem 256` compares it with a bare machine.

.include "log.inc"               ; W, E[0], E[1] and the trap handler
         .entry start
start:   LI    op, 0
loop:    SHL   w, op, k57
         OR    w, w, cfield
         MOV   slot, w
         MOV   uslot, w
         LI    resume, sdone
slot:    .word 0                  ; the opcode under test, supervisor mode
         JMP   sdone              ; it completed
sdone:   LI    resume, udone
         LPSW  upsw
udone:   ADDI  op, op, 1
         BNE   op, k128, loop
         LI    resume, h1
         HCALL 0
h1:      LI    resume, h2
         HCALL 0x7FFFF
h2:      LI    resume, h3
         LPSW  uh
h3:      HALT

uslot:   .word 0                  ; the same word in user mode
         SVC   0                  ; it completed: back to supervisor
uhcall:  HCALL 5
upsw:    .word psw(USER, uslot, 0, W)
uh:      .word psw(USER, uhcall, 0, W)
cfield:  .word 0x7FFFF
k57:     .word 57
k128:    .word 128
op:      .word 0
w:       .word 0
