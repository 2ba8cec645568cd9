; supervisor.s: a small supervisor running two user jobs (sections 2 and 5).
;
; The supervisor owns E[0] and E[1]: its own PSW sits in E[1], so every
; trap, from either job, lands at `trap` in supervisor mode with the job's
; PSW in E[0].  For each job it copies the program into a region of memory
; (table look-up and copy), sets R = (region, size) in a user-mode PSW and
; drops to user mode with LPSW.  User programs talk to it with SVC:
;
;   SVC 0   exit; the status is in the job's word 0
;   SVC 1   print the character in the job's word 0
;
; Any other trap kills the job.  Job 1 prints a line and exits; job 2 adds
; 1..10 and then reads one word past its bound, a memory trap.  When both
; are done the supervisor halts.  Expected console:
;
;   supervisor: job 1 in 64 words at 4096
;   hello from user mode
;   supervisor: job 1 exited with status 7
;   supervisor: job 2 in 16 words at 4352
;   supervisor: job 2 killed: memory trap at P=4
;   supervisor: all jobs done
;
; and 22 SVC traps (21 characters and one exit), 1 memory trap, job 2's
; sum (55) in its region, and E[0] holding job 2's PSW at the memory trap.

        .org  0
        .word 0                             ; E[0]: old PSW, stored by every trap
        .word psw(SUP, trap, 0, 0x80000)    ; E[1]: the supervisor's own PSW

J1BASE = 0x1000                 ; where each job runs, and its bound
J1SIZE = 64
J2BASE = 0x1100
J2SIZE = 16
T_SVC  = 3                      ; trap cause numbers (the cause field of E[0])

        .entry start
start:  LI    job, 0

; Start job number `job` (0-based), or halt when none is left.
next:   BEQ   job, njobs, done
        LDX   src, jsrc, job    ; where the program was assembled
        LDX   len, jlen, job
        LDX   base, jbase, job  ; the region it runs in
        LDX   size, jsize, job
        LI    s, m_job          ; "supervisor: job N in SIZE words at BASE"
        JAL   puts_ret, puts
        ADDI  num, job, 1
        JAL   putn_ret, putn
        LI    s, m_in
        JAL   puts_ret, puts
        MOV   num, size
        JAL   putn_ret, putn
        LI    s, m_at
        JAL   puts_ret, puts
        MOV   num, base
        JAL   putn_ret, putn
        LI    s, m_nl
        JAL   puts_ret, puts
        LI    k, 0              ; copy: E[base + k] := E[src + k], k < len
copy:   ADD   t, src, k
        LDX   w, 0, t
        ADD   t, base, k
        STX   0, t, w
        ADDI  k, k, 1
        BNE   k, len, copy
        SHL   upsw, base, k20   ; user PSW: M = user, P = 1, R = (base, size)
        OR    upsw, upsw, size
        OR    upsw, upsw, p_one
        LPSW  upsw              ; drop to user mode; the next trap comes back

done:   LI    s, m_done
        JAL   puts_ret, puts
stop:   HALT                    ; the end: P stops at stop + 1

; Every trap arrives here with the interrupted PSW in E[0]:
;   bits 61..58 cause, 57..39 P, 38..20 l, 19..0 b.
trap:   SHR   cause, 0, k58
        AND   cause, cause, m4
        SHR   up, 0, k39
        AND   up, up, m19       ; the job's P: the trapping instruction
        SHR   ul, 0, k20
        AND   ul, ul, m19       ; the job's relocation l
        BNE   cause, c_svc, kill
        ADD   t, ul, up         ; the SVC instruction itself, at l + P
        LDX   w, 0, t
        SHR   n, w, k38         ; its number: the A field, bits 56..38
        AND   n, n, m19
        LDX   arg, 0, ul        ; the job's word 0 (apparent address 0)
        BGEU  n, nsvc, kill     ; an SVC we do not serve kills the job
        JMPX  svctab, n

svc_putc: COUT arg              ; SVC 1: print, then resume after the SVC
        ADD   0, 0, p_one       ; old PSW with P + 1 (its cause bits are ignored)
        LPSW  0

svc_exit: LI  s, m_job          ; SVC 0: "supervisor: job N exited with status S"
        JAL   puts_ret, puts
        ADDI  num, job, 1
        JAL   putn_ret, putn
        LI    s, m_exit
        JAL   puts_ret, puts
        MOV   num, arg
        JAL   putn_ret, putn
        JMP   finish

kill:   LI    s, m_job          ; "supervisor: job N killed: CAUSE trap at P=X"
        JAL   puts_ret, puts
        ADDI  num, job, 1
        JAL   putn_ret, putn
        LI    s, m_killed
        JAL   puts_ret, puts
        LDX   s, causes, cause  ; the cause's name, looked up in a table
        JAL   puts_ret, puts
        LI    s, m_trapat
        JAL   puts_ret, puts
        MOV   num, up
        JAL   putn_ret, putn
finish: LI    s, m_nl
        JAL   puts_ret, puts
        ADDI  job, job, 1
        JMP   next

.include "print.inc"   ; puts and putn, and their words

; The user programs.  A job runs at apparent address 0 wherever it was
; assembled, so its operands are written relative to its first word.
; Word 0 is its argument word for SVCs; it starts at word 1.

; job 1: print a greeting through SVC 1, then exit with status 7.
job1:   .word 0
        LI    j1_i - job1, 0
j1_lp:  LDX   0, j1_msg - job1, j1_i - job1     ; word 0 := msg[i]
        BZ    0, j1_end - job1
        SVC   1                                 ; print word 0
        ADDI  j1_i - job1, j1_i - job1, 1
        JMP   j1_lp - job1
j1_end: LI    0, 7
        SVC   0                                 ; exit(7)
j1_i:   .word 0
j1_msg: .asciz "hello from user mode\n"
job1_end:

; job 2: sum := 1 + 2 + ... + 10, then read the word at its bound.
job2:   .word 0
        LI    j2_n - job2, 10
j2_lp:  ADD   j2_sum - job2, j2_sum - job2, j2_n - job2
        DJNZ  j2_n - job2, j2_lp - job2
j2_bad: MOV   j2_x - job2, J2SIZE               ; address J2SIZE is outside: memory trap
        LI    0, 0
        SVC   0                                 ; not reached
j2_n:   .word 0
j2_sum: .word 0
j2_x:   .word 0
job2_end:

; The job table.
njobs:  .word 2
jsrc:   .word job1, job2
jlen:   .word job1_end - job1, job2_end - job2
jbase:  .word J1BASE, J2BASE
jsize:  .word J1SIZE, J2SIZE
svctab: .word svc_exit, svc_putc
nsvc:   .word 2
causes: .word m_none, m_priv, m_mem, m_svc, m_ill, m_timer
c_svc:  .word T_SVC

; Constants for taking PSWs and instructions apart.
k20:    .word 20
k38:    .word 38
k39:    .word 39
k58:    .word 58
m4:     .word 0xF
m19:    .word 0x7FFFF
p_one:  .word 1 << 39           ; 1 in the PSW's P field

; Variables.
job:    .word 0
src:    .word 0
len:    .word 0
base:   .word 0
size:   .word 0
k:      .word 0
t:      .word 0
w:      .word 0
upsw:   .word 0
cause:  .word 0
up:     .word 0
ul:     .word 0
n:      .word 0
arg:    .word 0

m_job:    .asciz "supervisor: job "
m_in:     .asciz " in "
m_at:     .asciz " words at "
m_exit:   .asciz " exited with status "
m_killed: .asciz " killed: "
m_trapat: .asciz " trap at P="
m_done:   .asciz "supervisor: all jobs done\n"
m_nl:     .asciz "\n"
m_none:   .asciz "no"
m_priv:   .asciz "privileged instruction"
m_mem:    .asciz "memory"
m_svc:    .asciz "svc"
m_ill:    .asciz "illegal instruction"
m_timer:  .asciz "timer"
