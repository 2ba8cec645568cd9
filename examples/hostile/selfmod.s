; selfmod.s: a hostile guest that rewrites its own code as it runs
; (section 2: E holds program and data alike; the CP must see the same
; words the guest wrote).  It patches the instruction it executes next with
; a different instruction each time: innocuous, privileged (LPSW, LR,
; SPSW), HCALL (illegal in a guest, docs/isa.md), an illegal word, SVC and
; a jump past its memory, in supervisor and user mode.  It loops forever.

.include "common.inc"            ; W, E[0], E[1] and the trap handler
         .entry start
start:   ADDI  i, i, 1
         AND   i, i, m7
         LDX   w, ptab, i
         LI    resume, a1
         MOV   slot, w            ; the very next instruction is rewritten
slot:    NOP
a1:      LI    resume, a2
         MOV   uslot, w
         LPSW  upsw               ; the same word in user mode
a2:      LR    full
         JMP   start

upsw:    .word psw(USER, uslot, 0, W)
uslot:   NOP
         SVC   0
i:       .word 0
w:       .word 0
m7:      .word 7
OP = 57                         ; the opcode's place in a word; A is at 38, B at 19
ptab:    .word (0x1D << OP) | (cnt << 38) | (cnt << 19) | 1  ; ADDI cnt, cnt, 1
         .word (0x40 << OP) | (bigpsw << 38)                 ; LPSW bigpsw
         .word (0x42 << OP) | (bigr << 38)                   ; LR bigr
         .word 0x48 << OP                                    ; HCALL 0
         .word 0x7F << OP                                    ; illegal
         .word (0x41 << OP) | (w << 38)                     ; SPSW w
         .word (0x38 << OP) | (5 << 38)                      ; SVC 5
         .word (0x28 << OP) | (W << 38)                      ; JMP W
cnt:     .word 0
bigpsw:  .word psw(SUP, start, 0, 0x80000)
bigr:    .word rb(0, 0x80000)

