; EXPECT: unsat
; QF_LRA: the numerals are Reals, so (ite c 1 x) is a Real ite; x below 1 and 1 below x refute it.
(set-logic QF_LRA)
(declare-fun c () Bool)
(declare-fun x () Real)
(assert (< (ite c 1 x) (- x 1)))
(assert (or (> x 3) (< (- x) (- 2))))
(assert (not c))
(check-sat)
