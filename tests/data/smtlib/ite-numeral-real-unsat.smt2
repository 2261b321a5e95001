; EXPECT: unsat
; issue 21: an integer numeral as a branch of a Real ite (numerals fit either arithmetic sort)
(set-logic QF_LRA)
(declare-fun c () Bool)
(declare-fun x () Real)
(assert (= x (ite c 1 (/ 1 2))))
(assert (not (= x 1.0)))
(assert (> x 0.6))
(check-sat)
