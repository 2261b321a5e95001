; EXPECT: sat
; issue 21: an integer numeral as a branch of a Real ite; the model must give x the branch's value
(set-logic QF_UFLRA)
(declare-fun c () Bool)
(declare-fun x () Real)
(declare-fun y () Real)
(assert (= x (ite c 2 y)))
(assert (> x 1.5))
(assert (< y 1.0))
(check-sat)
