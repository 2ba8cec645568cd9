; jump_cp.s: a hostile guest that jumps to the control program's words
; (section 5): it puts the dispatcher's own instruction, HCALL 0, at its
; own E[2] (where the CP keeps it in real memory) and jumps there in
; supervisor and user mode, and jumps past its memory and through
; wrapping tables.  A guest has no host calls: on its bare machine HCALL is
; an illegal instruction in either mode (docs/isa.md).  It loops forever.

W = 256
         .org  0
         .word 0
         .word psw(SUP, trap, 0, W)
         .word 0                  ; E[2]: HCALL 0 goes here
         .word 0
         .entry start
start:   MOV   2, hcall
         LI    resume, a1
         JMP   2                  ; supervisor: illegal
a1:      LI    resume, a2
         LPSW  user2              ; user mode at 2: illegal too
a2:      LR    full
         LI    resume, a3
         JMPI  huge               ; P := 2^64 - 1 mod 2^19: past the memory
a3:      LI    resume, a4
         JMPX  0x7FFFF, one       ; the table entry at (2^19 - 1 + 1) mod 2^19 = E[0]
a4:      LI    resume, a5
         JMP   W                  ; just past the memory
a5:      JMP   start

hcall:   .word 0x48 << 57         ; HCALL 0
user2:   .word psw(USER, 2, 0, W)
huge:    .word -1
one:     .word 1
full:    .word rb(0, W)

; E[2] is taken, so this guest has its own copy of the shared handler
trap:    ADDI  traps, traps, 1
         JMPI  resume
traps:   .word 0
resume:  .word 0
