; cp.s: the control program CP = <D, A, {v_i}> in tgm's own instructions
; (paper sections 4-7: the dispatcher, the allocator, the interpreters, the
; VM map f, and the recursion of Theorem 2).
;
; The C control program (src/vmm) is host code that no guest machine has, so
; it can never be its own guest.  This one is an ordinary tgm program: it
; runs on a bare machine, under the C control program, or under itself, and
; hosts one guest, any image, including itself with a guest.
;
; The standard VM map (section 6): the CP owns E[0 .. K-1]; its guest is a
; bare machine of W words placed at E[K .. K+W-1], run in real user mode
; with R' = (l + K, min(b, W - l)) (b' = 0 if l >= W).  The CP records the
; virtual M, I and R in vpsw (Lemma 2: the real PSW cannot hold them).
; `tgm run --nest N` and `tgm check --nest N` build "CP + guest" images by
; patching W (cp_w) and the guest's entry PSW (cp_vpsw) and placing the
; guest at K (cp_guest); docs/recursion.md explains the stack.
;
; Virtual time is exact (Theorem 2's "without timing dependencies"): the
; guest's interval timer counts the guest's own cycles only, as on a bare
; machine, and traps at the same instruction boundary.  The CP knows its own
; cost exactly (every instruction has fixed cycles), reads the real timer
; with TGET as its first instruction after a trap, and arms it so that the
; real timer reaches zero when the virtual one does.  Where one reading
; cannot tell how much time the guest used (a trap within 4 cycles of
; expiry), the timer mode below makes the answer not matter or makes it
; known; docs/recursion.md gives the argument case by case.

; ---- architecture (docs/isa.md)
M19      = 0x7FFFF              ; an address field
M20      = 0xFFFFF              ; b, a size
PSW_P    = M19 << 39            ; P field of a PSW word
PSW_LB   = (M19 << 20) | M20    ; R = (l, b) fields: the LR/SR word
PSW_CAUSE = 0xF << 58
BMAX     = 0x80000              ; b covering every address
TRAP_PRIV  = 1                  ; trap causes
TRAP_MEM   = 2
TRAP_SVC   = 3
TRAP_ILL   = 4
TRAP_TIMER = 5
CYC_TRAP = 4                    ; a trap sequence: the trapping instruction costs nothing else
CYC_HALT = 1                    ; the interpreted instructions' costs, as insns.def
CYC_LPSW = 3                    ; gives them (a test checks every CYC_ against it)
CYC_SPSW = 2
CYC_LR   = 3
CYC_SR   = 2
CYC_TSET = 2
CYC_TGET = 2
CYC_COUT = 4
CYC_CIN  = 4
CYC_LPSW_TSET = CYC_TSET + CYC_LPSW ; from arming the real timer to the guest's first cycle
Q_MIN    = 2                    ; a machine has E[0] and E[1] at least

; ---- how the real timer stands while the guest runs (tmode)
TM_OFF   = 0    ; virtual timer disarmed: real timer ignored, real I = 0
TM_LATE  = 1    ; virtual I = 0: real timer = virtual + CYC_TRAP, real I = 0;
                ; a trap reads the virtual remainder exactly
TM_EXACT = 2    ; virtual I = 1, virtual user mode: real timer = virtual,
                ; real I = 1; the real timer trap lands where the virtual one does
TM_STEP  = 3    ; virtual I = 1, virtual supervisor mode: one guest
                ; instruction at a time, each charged from the cycle table

        .entry boot
        .org  0
        .word 0                         ; E[0]: every trap stores the old PSW here
        .word psw(SUP, entry_o, 0, BMAX) ; E[1]: the CP's PSW (I = 0); resume picks the entry

; ================================================================ D
; The dispatcher.  A trap from the guest lands at entry_t when the real timer
; runs for it, else at entry_o.  TGET must be the very first instruction: the
; accounting below assumes nothing but the trap sequence (CYC_TRAP cycles)
; ran between the guest and the reading.
entry_t: TGET  t_now                    ; the real timer as the trap left it
entry_o: MOV   old, 0                   ; the guest's old PSW, real form
        ADD   n_entries, n_entries, one
        AND   t0, old, k_pswp           ; vP := trapping P (R' keeps P relative)
        AND   vpsw, vpsw, k_npswp
        OR    vpsw, vpsw, t0
        SHR   cause, old, k58
        AND   cause, cause, k15
        LDX   t0, n_cause, cause        ; statistics by cause
        ADDI  t0, t0, 1
        STX   n_cause, cause, t0
        JMPX  acct, tmode               ; virtual time first, then the cause

acct:   .word acct_done, acct_late, acct_exact, acct_step

; TM_LATE (virtual I = 0): real = virtual + CYC_TRAP when the guest started,
; so the reading after the trap is the virtual remainder before the trapping
; instruction; 0 means it expired before it: pending, as on the bare machine.
acct_late:
        BZ    t_now, expire_a
        ADD   vrem, t_now, tcorr
        JMP   acct_done

; TM_EXACT (virtual I = 1, user mode): a real timer trap is the virtual
; timer's, at the same boundary.  Otherwise reading = virtual - CYC_TRAP; a
; reading of 0 means 1..CYC_TRAP cycles were left, and since every trap in
; user mode is reflected at CYC_TRAP cycles, the timer expires in all of them.
acct_exact:
        BEQ   cause, k_timer, expire_a
        BZ    t_now, exact_edge
        ADDI  vrem, t_now, CYC_TRAP
        ADD   vrem, vrem, tcorr
        JMP   acct_done
exact_edge:
        LI    vrem, 1                   ; any of 1..CYC_TRAP: the same outcome
        JMP   acct_done

; TM_STEP: a timer trap means the one instruction completed; charge its
; cycles.  Any other trap means it trapped itself, and no time passed.
acct_step:
        BNE   cause, k_timer, acct_done
        MOV   t0, step_cost
        JAL   ret_c, charge
        JMP   acct_done

expire_a:
        JAL   ret_c, expire
acct_done:
        JMPX  causes, cause             ; the table look-up of section 4

causes: .word bad, d_priv, d_reflect, d_reflect, d_reflect, d_timer
        .word bad, bad, bad, bad, bad, bad, bad, bad, bad, bad

; A real timer trap is only ever the virtual timer's (TM_EXACT, now
; pending) or the end of a step (TM_STEP, charged above).
d_timer: JMP  resume

; Memory, SVC and illegal traps, and privileged traps in virtual user mode,
; are the guest's own: the bare machine traps the same way.
d_reflect:
        MOV   rcause, cause
        JAL   ret_r, reflect
        JMP   resume

; A privileged instruction: in virtual supervisor mode it is simulated,
; in virtual user mode it is the guest's own privileged trap.
d_priv: SHR   t0, vpsw, k63
        BZ    t0, d_reflect
        JAL   ret_f, fields             ; vl, vb, vP, vlim
        ADD   t0, vl, vp                ; the CPU fetched it, so vP develops
        LDX   word, K, t0
        SHR   op, word, k57
        SHR   a, word, k38
        AND   a, a, k_m19
        ADD   n_interp, n_interp, one
        JMPX  v_tab, op                 ; {v_i}: one interpreter per instruction

; ================================================================ {v_i}
; Each v_i develops its operand through the virtual R as the hardware would
; (a failure is the guest's memory trap), does its work on the virtual
; state, charges its bare cost to virtual time and advances vP.

v_halt: LI    t0, CYC_HALT              ; HALT: the guest stops; so does the CP
        JAL   ret_c, charge
        JAL   ret_a, advance
cp_halt: HALT                           ; its machine halts (or its CP's guest does)
        JMP   cp_halt

v_lpsw: JAL   ret_o, operand            ; PSW := E[a] (cause bits ignored)
        LDX   t0, K, ra
        AND   vpsw, t0, k_ncause
        LI    t0, CYC_LPSW
        JAL   ret_c, charge
        JMP   resume                    ; A composes the new R at resume

v_spsw: JAL   ret_o, operand            ; E[a] := PSW with P + 1
        JAL   ret_a, advance
        STX   K, ra, vpsw
        LI    t0, CYC_SPSW
        JAL   ret_c, charge
        JMP   resume

v_lr:   JAL   ret_o, operand            ; R := (l, b) of E[a]: A
        LDX   t0, K, ra
        AND   t0, t0, k_lb
        AND   vpsw, vpsw, k_nlb
        OR    vpsw, vpsw, t0
        LI    t0, CYC_LR
        JAL   ret_c, charge
        JAL   ret_a, advance
        JMP   resume

v_sr:   JAL   ret_o, operand            ; E[a] := R
        AND   t0, vpsw, k_lb
        STX   K, ra, t0
        LI    t0, CYC_SR
        JAL   ret_c, charge
        JAL   ret_a, advance
        JMP   resume

; TSET counts its own cycles: the timer it arms has already lost CYC_TSET
; when the next instruction starts, and expires within the TSET if v <= 2.
v_tset: JAL   ret_o, operand
        LDX   t0, K, ra
        LI    vtpend, 0
        BLT   zero, t0, tset_on
        LI    vtarm, 0
        LI    vrem, 0
        JMP   tset_done
tset_on: LI   vtarm, 1
        ADDI  vrem, t0, -CYC_TSET
        BLT   zero, vrem, tset_done
        JAL   ret_c, expire
tset_done:
        JAL   ret_a, advance
        JMP   resume

v_tget: JAL   ret_o, operand            ; E[a] := cycles left (0 when disarmed)
        STX   K, ra, vrem
        LI    t0, CYC_TGET
        JAL   ret_c, charge
        JAL   ret_a, advance
        JMP   resume

v_cout: JAL   ret_o, operand            ; the guest's console is the CP's
        LDX   t0, K, ra
        COUT  t0
        LI    t0, CYC_COUT
        JAL   ret_c, charge
        JAL   ret_a, advance
        JMP   resume

v_cin:  JAL   ret_o, operand
        CIN   t1
        STX   K, ra, t1
        LI    t0, CYC_CIN
        JAL   ret_c, charge
        JAL   ret_a, advance
        JMP   resume

; No other opcode can take a privileged trap in this profile; if one did, the
; bare machine would not know it either.
v_ill:  LI    rcause, TRAP_ILL
        JAL   ret_r, reflect
        JMP   resume

; ================================================================ helpers
; fields: vl, vb, vP and vlim = min(vb, W - vl) (0 if vl >= W) from vpsw.
fields: SHR   vl, vpsw, k20
        AND   vl, vl, k_m19
        AND   vb, vpsw, k_m20
        SHR   vp, vpsw, k39
        AND   vp, vp, k_m19
        LI    vlim, 0
        BGEU  vl, cp_w, fields_r
        SUB   vlim, cp_w, vl
        BGEU  vb, vlim, fields_r
        MOV   vlim, vb
fields_r: JMPI ret_f

; operand: develop a through the virtual R (section 2): ra := vl + a, the
; index of E'[a] in the region; a failure is the guest's memory trap.
operand: BGEU a, vlim, op_trap
        ADD   ra, vl, a
        JMPI  ret_o
op_trap: LI   rcause, TRAP_MEM
        JAL   ret_r, reflect
        JMP   resume

; advance: vP := vP + 1 mod 2^19 (P wraps, as on the bare machine).
advance: SHR  t1, vpsw, k39
        ADDI  t1, t1, 1
        AND   t1, t1, k_m19
        SHL   t1, t1, k39
        AND   vpsw, vpsw, k_npswp
        OR    vpsw, vpsw, t1
        JMPI  ret_a

; charge: t0 cycles of the guest's pass on its virtual timer.
charge: BZ    vtarm, charge_r
        SUB   vrem, vrem, t0
        BLT   zero, vrem, charge_r
expire: LI    vtarm, 0                  ; reached zero: disarmed and pending
        LI    vrem, 0
        LI    vtpend, 1
charge_r: JMPI ret_c

; reflect: the hardware trap done on the virtual state: guest E[0] := vpsw
; with the cause, vpsw := guest E[1].  E[0] and E[1] are absolute in the
; guest's machine, so they are E[K] and E[K+1] whatever its R.
reflect: SHL  t0, rcause, k58
        OR    t0, vpsw, t0
        MOV   K, t0
        AND   vpsw, K + 1, k_ncause
        ADD   n_reflect, n_reflect, one
        LDX   t0, n_rtrap, rcause       ; the guest's own trap counters
        ADDI  t0, t0, 1
        STX   n_rtrap, rcause, t0
        MOV   last_trap, rcause
        BNE   rcause, k_timer, refl_c
        LI    vtpend, 0                 ; a timer trap clears the pending timer
        ADD   n_vtimer, n_vtimer, one
refl_c: LI    t0, CYC_TRAP
        JAL   ret_c, charge
        JMPI  ret_r

; ================================================================ resume
; A pending virtual timer traps at the first boundary where the virtual I is
; 1; then A composes R' and the real timer is armed for the mode.
resume: BZ    vtpend, compose
        SHR   t0, vpsw, k62
        AND   t0, t0, one
        BZ    t0, compose
        LI    rcause, TRAP_TIMER
        JAL   ret_r, reflect
        JMP   resume

; ================================================================ A
; R' = (vl + K, vlim): every address the guest develops on the real machine
; succeeds exactly when it would on a bare machine of W words.
compose: JAL  ret_f, fields
        ADDI  t0, vl, K
        BLTU  vl, cp_w, comp_l
        LI    t0, K                     ; l >= W: nothing develops (b' = 0)
comp_l: SHL   rpsw, t0, k20
        OR    rpsw, rpsw, vlim
        AND   t0, vpsw, k_pswp
        OR    rpsw, rpsw, t0            ; M' = u, P' = vP
        BZ    vtarm, go_off
        SHR   t0, vpsw, k62
        AND   t0, t0, one
        BZ    t0, go_late
        SHR   t0, vpsw, k63
        BNZ   t0, go_step
go_exact:
        LI    tmode, TM_EXACT
        ADDI  treal, vrem, CYC_LPSW_TSET
        JMP   go_timed
go_late:
        LI    tmode, TM_LATE
        ADDI  treal, vrem, CYC_TRAP + CYC_LPSW_TSET
        JMP   go_armed
go_step: LI   tmode, TM_STEP
        ADD   n_steps, n_steps, one
        LI    step_cost, 0              ; a fetch that fails traps: no cost
        BGEU  vp, vlim, step_arm
        ADD   t0, vl, vp
        LDX   t0, K, t0
        SHR   t0, t0, k57
        LDX   step_cost, cycles, t0
step_arm: LI  treal, 1 + CYC_LPSW_TSET  ; expires in the guest's first instruction
go_timed:
        OR    rpsw, rpsw, k_ibit        ; real I = 1
go_armed:
        LI    tcorr, 0
        BLT   zero, treal, go_arm       ; vrem near 2^63: the sum overflowed
        SUB   tcorr, treal, k_maxint    ; arm at the most the timer holds and
        MOV   treal, k_maxint           ; add back the rest when reading it
go_arm: MOV   1, psw_t                  ; the next trap reads the timer first
        TSET  treal
        LPSW  rpsw
go_off: LI    tmode, TM_OFF
        MOV   1, psw_o
        LPSW  rpsw

; ================================================================ boot
; The guest starts in the power-on state of a bare machine of W words with
; its image's entry PSW (cp_vpsw, patched like cp_w by the composer).
boot:   LI    t0, Q_MIN
        BLTU  cp_w, t0, noguest
        AND   vpsw, cp_vpsw, k_ncause
        JMP   resume
noguest: LI   t0, 0
ng_loop: LDX  t1, m_noguest, t0
        BZ    t1, cp_halt
        COUT  t1
        ADDI  t0, t0, 1
        JMP   ng_loop

bad:    JMP   cp_halt                   ; a cause no trap has: stop

; ================================================================ data
; Parameters (patched by the composer: tgm run/check --nest).
cp_w:    .word 0                        ; W: the guest's words
cp_vpsw: .word 0                        ; the guest's entry PSW

; The virtual machine's state besides its E (the CP's record, Lemma 2).
vpsw:   .word PSW_CAUSE                 ; virtual M, I, P, R (cause bits 0); until
                                        ; boot writes it, cause bits that no record
                                        ; has, so a guest whose entry PSW is 0 is
                                        ; told from one not booted
vtarm:  .word 0                         ; virtual timer armed
vrem:   .word 0                         ; cycles left while armed (>= 1), else 0
vtpend: .word 0                         ; virtual timer pending
tmode:  .word TM_OFF

; Figures, read by tgm run --nest --json and the monitor's `stack`.
n_entries: .word 0                      ; traps that reached D
n_interp:  .word 0                      ; privileged instructions simulated
n_reflect: .word 0                      ; traps reflected into the guest
n_vtimer:  .word 0                      ; virtual timer traps delivered
n_steps:   .word 0                      ; resumes in TM_STEP
n_cause:   .space 16                    ; traps by real cause
n_rtrap:   .space 16                    ; traps the guest took, by cause
last_trap: .word 0                      ; the cause of the guest's last trap

; Scratch words (the machine has no registers).
old:    .word 0
cause:  .word 0
t_now:  .word 0
t0:     .word 0
t1:     .word 0
word:   .word 0
op:     .word 0
a:      .word 0
ra:     .word 0
vl:     .word 0
vb:     .word 0
vp:     .word 0
vlim:   .word 0
rcause: .word 0
rpsw:   .word 0
treal:  .word 0
tcorr:  .word 0                         ; cycles the real timer was armed short
step_cost: .word 0
ret_a:  .word 0
ret_c:  .word 0
ret_f:  .word 0
ret_o:  .word 0
ret_r:  .word 0

; Constants.
zero:   .word 0
one:    .word 1
k15:    .word 15
k20:    .word 20
k38:    .word 38
k39:    .word 39
k57:    .word 57
k58:    .word 58
k62:    .word 62
k63:    .word 63
k_m19:  .word M19
k_m20:  .word M20
k_timer: .word TRAP_TIMER
k_pswp:  .word PSW_P
k_npswp: .word ~PSW_P
k_lb:    .word PSW_LB
k_nlb:   .word ~PSW_LB
k_ncause: .word ~PSW_CAUSE
k_ibit:  .word 1 << 62
k_maxint: .word 0x7FFFFFFFFFFFFFFF
psw_t:  .word psw(SUP, entry_t, 0, BMAX)
psw_o:  .word psw(SUP, entry_o, 0, BMAX)
m_noguest: .asciz "cp: no guest (build one with tgm run --nest N IMAGE)\n"

; The interpreters by opcode (section 4's table look-up): only the
; privileged instructions of the virtualizable profile reach it.
v_tab:  .word v_ill, v_ill, v_halt, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x00
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x08
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x10
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x18
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x20
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x28
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x30
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x38
        .word v_lpsw, v_spsw, v_lr, v_sr, v_tset, v_tget, v_cout, v_cin ; 0x40
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x48 (HCALL: illegal here)
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x50
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x58
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x60
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x68
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x70
        .word v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill, v_ill   ; 0x78

; Cycles of each opcode when it completes (insns.def; a test checks this
; table against the machine's), for charging single steps.
cycles: .word 0, 1, 1, 0, 0, 0, 0, 0                ; 0x00 NOP HALT
        .word 2, 1, 3, 3, 0, 0, 0, 0                ; 0x08 MOV LI LDX STX
        .word 2, 2, 4, 12, 12, 12, 12, 2            ; 0x10 ADD SUB MUL DIV DIVU MOD MODU AND
        .word 2, 2, 2, 2, 2, 2, 2, 2                ; 0x18 OR XOR SHL SHR SAR ADDI SLT SLTU
        .word 2, 0, 0, 0, 0, 0, 0, 0                ; 0x20 SEQ
        .word 1, 2, 3, 2, 2, 2, 2, 2                ; 0x28 JMP JMPI JMPX JAL BEQ BNE BLT BGE
        .word 2, 2, 1, 1, 2, 0, 0, 0                ; 0x30 BLTU BGEU BZ BNZ DJNZ
        .word 4, 0, 0, 0, 0, 0, 0, 0                ; 0x38 SVC
        .word 3, 2, 3, 2, 2, 2, 4, 4                ; 0x40 LPSW SPSW LR SR TSET TGET COUT CIN
        .word 1, 0, 0, 0, 0, 0, 0, 0                ; 0x48 HCALL
        .word 2, 2, 3, 0, 0, 0, 0, 0                ; 0x50 JRSTU LRA MFPI
        .space 40                                   ; 0x58 .. 0x7F: none

cp_end:
K        = (cp_end + 63) & ~63          ; the guest's region starts here
cp_guest = K
