; lpsw_sup.s: a hostile guest whose user-mode code tries every privileged
; instruction, first of all LPSW of a supervisor PSW with all of memory
; (section 3: each must trap, and the CP reflects the trap to the guest's
; own E[1], never granting real supervisor mode), then HCALL, which a guest
; does not have: an illegal instruction (docs/isa.md).  Each trap resumes
; after the instruction that caused it; it loops forever.

W = 256
         .org  0
         .word 0
         .word psw(SUP, handler, 0, W)
         .entry start
start:   LPSW  upsw               ; drop to user mode at ucode

ucode:   LPSW  suppsw             ; supervisor, R = all of a 2^19-word memory
         LPSW  suppswi
         LR    big
         SPSW  x
         SR    x
         TSET  x
         TGET  x
         COUT  x
         CIN   x
         HALT
         HCALL 0
         ADDI  n, n, 1
         JMP   ucode

handler: ADDI  traps, traps, 1    ; count, then resume after the instruction
         ADD   0, 0, p_one
         LPSW  0

upsw:    .word psw(USER, ucode, 0, W)
suppsw:  .word psw(SUP, 0, 0, 0x80000)
suppswi: .word pswi(SUP, ucode, 0, 0x80000)
big:     .word rb(0, 0x80000)
x:       .word 1
n:       .word 0
traps:   .word 0
p_one:   .word 1 << 39
