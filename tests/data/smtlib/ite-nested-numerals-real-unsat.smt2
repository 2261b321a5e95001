; EXPECT: unsat
; issue 21: an Int ite of integer numerals (as SMT-LIB 1 conversions write them) as a branch of a Real ite
(set-logic QF_UFLRA)
(declare-fun c () Bool)
(declare-fun d () Bool)
(declare-fun x () Real)
(declare-fun p (Real) Bool)
(assert (p (ite c (ite d 1 (ite (not c) 2 3)) x)))
(assert (not (p x)))
(assert (not (p 1.0)))
(assert (not (p 3.0)))
(check-sat)
