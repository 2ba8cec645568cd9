; os.s: a small time-sharing operating system for the third generation
; machine (section 2), built from exactly what that section provides.
;
; The kernel owns low memory and the trap words: every trap, whatever its
; cause, stores the running process's PSW in E[0] and loads the kernel's
; PSW from E[1] (supervisor, I = 0, R covering memory).  Each process runs
; in user mode in its own region, R = (base, REGION_SIZE), so it cannot
; reach the kernel or another process: the relocation-bounds register is the
; whole protection system.  The kernel gets the processor back through:
;
;   the interval timer  the end of a quantum: the next process runs
;   SVC n               a system call (n in the instruction's A field)
;   any other trap      privileged instruction, memory, illegal instruction:
;                       the process is killed and the console says why
;
; When every process has exited or been killed, the kernel prints a summary
; and halts.  Four user programs are assembled into the image, each at its
; region's base but for apparent address 0 (.phase):
;
;   1 primes.inc  the primes below 100 into its memory, printed as found
;   2 tick.inc    "tick" six times, yielding after each
;   3 tock.inc    "TOCK" six times, slowly, never yielding
;   4 rogue.inc   misbehaves as its console input says: a memory trap (no
;                 input), a privileged instruction ('p') or an illegal one ('i')
;
; Processes print character by character, so the console shows exactly
; where the timer cut each one off, and the kernel prints the cycles it
; charged each process when it ends: the console depends on every cycle the
; machine and the kernel spend, which is what makes it a test of a control
; program's virtual time (sections 4 and 7).  docs/os.md has the memory map,
; the process table, the system-call ABI and a sample run.

; ---- the machine's words and fields (docs/isa.md) ------------------------

T_PRIV   = 1                    ; trap causes, in the cause field of E[0]
T_MEM    = 2
T_SVC    = 3
T_ILL    = 4
T_TIMER  = 5

PSW_CAUSE = 58                  ; PSW fields: cause (4 bits), P, l (19 bits)
PSW_P     = 39
PSW_L     = 20
INSN_A    = 38                  ; an instruction's A field: SVC's number
FIELD4    = 0xF
FIELD19   = 0x7FFFF
ALL_OF_E  = 0x80000             ; a bound as large as any memory

; ---- the memory map ------------------------------------------------------

REGION_SIZE = 0x80              ; each process's memory: apparent 0..0x7F
P1_BASE  = 0x200                ; the kernel is below the first region
P2_BASE  = P1_BASE + REGION_SIZE
P3_BASE  = P2_BASE + REGION_SIZE
P4_BASE  = P3_BASE + REGION_SIZE
MEM_MIN  = P4_BASE + REGION_SIZE ; the smallest memory the OS runs in: 1024

; ---- the system-call ABI (docs/os.md) ------------------------------------

SYSARG     = 0                  ; the process-relative word for arguments and results
USER_ENTRY = 1                  ; a program starts at apparent 1, after SYSARG
SYS_EXIT   = 0                  ; exit, status in SYSARG
SYS_PUTC   = 1                  ; write the character in SYSARG
SYS_GETC   = 2                  ; SYSARG := the next input byte, or -1 if none
SYS_YIELD  = 3                  ; give up the rest of the quantum
SYS_GETPID = 4                  ; SYSARG := the process's id (1..NPROC)
NSYS       = 5

; ---- the process table ---------------------------------------------------

NPROC      = 4
PCB_STATE  = 0                  ; one process control block: its state,
PCB_PSW    = 1                  ; the PSW it resumes with (saved at each trap),
PCB_STATUS = 2                  ; its exit status or the cause that killed it,
PCB_CYCLES = 3                  ; and the cycles it has been charged
PCB_WORDS  = 4                  ; words per block
PS_READY   = 1                  ; states
PS_EXITED  = 2
PS_KILLED  = 3

QUANTUM    = 300                ; cycles a process runs before the timer preempts it

; ---- the trap words ------------------------------------------------------

        .org  0
        .word 0                               ; E[0]: old PSW, stored by every trap
        .word psw(SUP, trap, 0, ALL_OF_E)     ; E[1]: the kernel's PSW, I = 0

; ---- boot ----------------------------------------------------------------

; Power-on: supervisor, I = 0, at boot.  The programs are already in their
; regions (the image put them there) and the process table is initialised,
; so booting is announcing and scheduling.
        .entry boot
boot:   JAL   kline_ret, kline          ; "os: 4 processes, quantum 300 cycles"
        LI    num, NPROC
        JAL   putn_ret, putn
        LI    s, m_boot
        JAL   puts_ret, puts
        MOV   num, quantum
        JAL   putn_ret, putn
        LI    s, m_cycles
        JAL   puts_ret, puts
        LI    cur, NPROC - 1            ; so that the scheduler starts at process 1
        JMP   schedule

; ---- trap entry ----------------------------------------------------------

; Every trap lands here with the interrupted PSW in E[0].  A process's PSW
; has S = 0; S is the sign bit, so a negative E[0] means the kernel itself
; trapped, which only a kernel bug can cause.
trap:   BLT   0, zero, panic
        MOV   upsw, 0
        STX   ptab + PCB_PSW, pcb, upsw ; the process resumes from here
        SHR   cause, upsw, k_cause
        AND   cause, cause, m4
        JMPX  trapvec, cause            ; dispatch on the cause

trapvec: .word panic                    ; 0: no trap stores cause 0
        .word kill                      ; T_PRIV
        .word kill                      ; T_MEM
        .word syscall                   ; T_SVC
        .word kill                      ; T_ILL
        .word preempt                   ; T_TIMER: the quantum is over

; ---- system calls --------------------------------------------------------

; SVC n: the word at the saved P, found through the process's l (the
; kernel's own R is (0, all of E), so l + P is its absolute address).  The
; process's quantum runs on across its system calls, and the kernel's time
; is charged to it: if the timer expires meanwhile it stays pending (I = 0)
; and traps as soon as the LPSW back to the process sets I.
syscall: SHR  up, upsw, k_p
        AND   up, up, m19
        SHR   ul, upsw, k_l
        AND   ul, ul, m19
        ADD   t, ul, up
        LDX   w, 0, t                   ; the SVC instruction itself
        SHR   n, w, k_a
        AND   n, n, m19                 ; its number
        BGEU  n, c_nsys, kill           ; no such call: killed (cause T_SVC)
        LDX   arg, SYSARG, ul           ; the argument word
        JMPX  systab, n

systab: .word sys_exit, sys_putc, sys_getc, sys_yield, sys_getpid

sys_putc: COUT arg
        SEQ   atbol, arg, c_nl          ; where the next kernel message must start
        JMP   resume

sys_getc: CIN arg
        JMP   result

sys_getpid: ADDI arg, cur, 1
result: STX   SYSARG, ul, arg           ; the result into the process's SYSARG
resume: ADD   upsw, upsw, p_one         ; past the SVC
        LPSW  upsw

sys_yield: ADD upsw, upsw, p_one
        STX   ptab + PCB_PSW, pcb, upsw ; it resumes past the SVC when its turn comes
        JAL   charge_ret, charge
        JMP   schedule

sys_exit: STX ptab + PCB_STATUS, pcb, arg
        LI    st, PS_EXITED
        STX   ptab + PCB_STATE, pcb, st
        JAL   charge_ret, charge
        JAL   kproc_ret, kproc          ; "os: process 2 exited, status 0 after 1859 cycles"
        LI    s, m_exited
        JAL   puts_ret, puts
        MOV   num, arg
        JAL   putn_ret, putn
        JMP   cycles

; ---- accounting ----------------------------------------------------------

; A process is charged every cycle of its quanta, the kernel's work on its
; system calls included: a whole quantum when the timer ends it, the part
; it used (TGET says what is left) when it yields, exits or is killed.  The
; totals are exact only if time is: under a control program they show any
; error in virtual time at once.
preempt: LDX  t, ptab + PCB_CYCLES, pcb
        ADD   t, t, quantum
        STX   ptab + PCB_CYCLES, pcb, t
        JMP   schedule

charge: TGET  left
        SUB   t, quantum, left
        LDX   used, ptab + PCB_CYCLES, pcb
        ADD   used, used, t
        STX   ptab + PCB_CYCLES, pcb, used
        JMPI  charge_ret

; ---- killing a process ---------------------------------------------------

; "os: process 4 killed: memory trap at P=4 after 92 cycles": P is the
; trapping instruction, an address in the process's own region.
kill:   STX   ptab + PCB_STATUS, pcb, cause
        LI    st, PS_KILLED
        STX   ptab + PCB_STATE, pcb, st
        JAL   charge_ret, charge
        SHR   up, upsw, k_p
        AND   up, up, m19
        JAL   kproc_ret, kproc
        LI    s, m_killed
        JAL   puts_ret, puts
        LDX   s, causes, cause          ; the cause's name, looked up
        JAL   puts_ret, puts
        LI    s, m_at
        JAL   puts_ret, puts
        MOV   num, up
        JAL   putn_ret, putn
cycles: LI    s, m_after                ; " after N cycles", from charge
        JAL   puts_ret, puts
        MOV   num, used
        JAL   putn_ret, putn
        LI    s, m_cycles
        JAL   puts_ret, puts            ; and on to the scheduler

; ---- the scheduler -------------------------------------------------------

; Round robin: the next ready process after cur, cur itself last.  It gets
; a fresh quantum: TSET, then LPSW of its PSW, which has I = 1.
schedule: LI  tries, NPROC
sch_next: ADDI cur, cur, 1
        BNE   cur, c_nproc, sch_try
        LI    cur, 0
sch_try: MUL  pcb, cur, c_pcbw
        LDX   st, ptab + PCB_STATE, pcb
        BEQ   st, c_ready, dispatch
        DJNZ  tries, sch_next
        JMP   alldone                   ; nobody is ready: all have ended

dispatch: LDX upsw, ptab + PCB_PSW, pcb
        TSET  quantum
        LPSW  upsw

; ---- the end -------------------------------------------------------------

; "os: all processes done: 3 exited, 1 killed", counted from the table.
alldone: LI   i, 0
        LI    nexit, 0
        LI    nkill, 0
ad_next: MUL  t, i, c_pcbw
        LDX   st, ptab + PCB_STATE, t
        SEQ   t, st, c_exited
        ADD   nexit, nexit, t
        SEQ   t, st, c_killed
        ADD   nkill, nkill, t
        ADDI  i, i, 1
        BNE   i, c_nproc, ad_next
        JAL   kline_ret, kline
        LI    s, m_done
        JAL   puts_ret, puts
        MOV   num, nexit
        JAL   putn_ret, putn
        LI    s, m_nexit
        JAL   puts_ret, puts
        MOV   num, nkill
        JAL   putn_ret, putn
        LI    s, m_nkill
        JAL   puts_ret, puts
shutdown: TSET zero                     ; disarm what the last process left running
stop:   HALT

; A trap in supervisor mode: the kernel is broken; stop rather than guess.
panic:  JAL   kline_ret, kline
        LI    s, m_panic
        JAL   puts_ret, puts
        JMP   shutdown

; ---- console messages ----------------------------------------------------

; kline: start a kernel message, on a line of its own: a process may be in
; the middle of one.  Every kernel message ends with a newline.
kline:  BNZ   atbol, kl_os
        LI    s, m_nl
        JAL   puts_ret, puts
kl_os:  LI    s, m_os
        JAL   puts_ret, puts
        LI    atbol, 1
        JMPI  kline_ret

; kproc: "os: process N", N = cur + 1.
kproc:  JAL   kline_ret, kline
        LI    s, m_process
        JAL   puts_ret, puts
        ADDI  num, cur, 1
        JAL   putn_ret, putn
        JMPI  kproc_ret

.include "../print.inc"         ; puts and putn

; ---- the process table ---------------------------------------------------

; One block of PCB_WORDS per process, PCB_STATE/PSW/STATUS/CYCLES as above.  A
; process starts at USER_ENTRY in user mode with I = 1 and R = its region.
ptab:   .word PS_READY, pswi(USER, USER_ENTRY, P1_BASE, REGION_SIZE), 0, 0
        .word PS_READY, pswi(USER, USER_ENTRY, P2_BASE, REGION_SIZE), 0, 0
        .word PS_READY, pswi(USER, USER_ENTRY, P3_BASE, REGION_SIZE), 0, 0
        .word PS_READY, pswi(USER, USER_ENTRY, P4_BASE, REGION_SIZE), 0, 0
ptab_end:

quantum: .word QUANTUM          ; a word, so a test can change it in the image

; ---- the kernel's constants and variables --------------------------------

zero:   .word 0
c_nl:   .word '\n'
c_nsys: .word NSYS
c_nproc: .word NPROC
c_pcbw: .word PCB_WORDS
c_ready: .word PS_READY
c_exited: .word PS_EXITED
c_killed: .word PS_KILLED
k_cause: .word PSW_CAUSE
k_p:    .word PSW_P
k_l:    .word PSW_L
k_a:    .word INSN_A
m4:     .word FIELD4
m19:    .word FIELD19
p_one:  .word 1 << PSW_P        ; 1 in the PSW's P field

cur:    .word 0                 ; the running process: 0..NPROC-1 (its id is cur + 1)
pcb:    .word 0                 ; its block's offset in ptab: cur * PCB_WORDS
upsw:   .word 0                 ; its PSW as the trap saved it
cause:  .word 0
up:     .word 0                 ; its P and l, taken from upsw
ul:     .word 0
t:      .word 0
w:      .word 0
n:      .word 0                 ; the system call's number
arg:    .word 0                 ; its SYSARG
st:     .word 0
left:   .word 0                 ; cycles left in the quantum (TGET)
used:   .word 0                 ; the process's total, from charge
tries:  .word 0
i:      .word 0
nexit:  .word 0
nkill:  .word 0
atbol:  .word 1                 ; the console is at the start of a line
kline_ret: .word 0
kproc_ret: .word 0
charge_ret: .word 0

causes: .word 0, m_priv, m_mem, m_svc, m_ill ; by cause: 0 and T_TIMER never kill
m_priv: .asciz "privileged instruction trap"
m_mem:  .asciz "memory trap"
m_svc:  .asciz "unknown system call"
m_ill:  .asciz "illegal instruction trap"
m_os:   .asciz "os: "
m_boot: .asciz " processes, quantum "
m_cycles: .asciz " cycles\n"
m_process: .asciz "process "
m_exited: .asciz " exited, status "
m_after: .asciz " after "
m_killed: .asciz " killed: "
m_at:   .asciz " at P="
m_done: .asciz "all processes done: "
m_nexit: .asciz " exited, "
m_nkill: .asciz " killed\n"
m_panic: .asciz "panic: kernel trap\n"
m_nl:   .asciz "\n"
kernel_end:

; ---- the user programs ---------------------------------------------------

; Each is assembled for apparent address 0 of its region (.phase 0) but
; placed at the region's base, where it runs with R = (base, REGION_SIZE).
; Its word 0 is SYSARG; its first instruction is at USER_ENTRY.

        .org  P1_BASE
        .phase 0
        .include "primes.inc"
        .dephase
        .org  P2_BASE
        .phase 0
        .include "tick.inc"
        .dephase
        .org  P3_BASE
        .phase 0
        .include "tock.inc"
        .dephase
        .org  P4_BASE
        .phase 0
        .include "rogue.inc"
        .dephase
