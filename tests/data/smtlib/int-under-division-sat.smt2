; EXPECT: sat
; issue 21: an Int term under / is a Real term; x = 3/2 with c false
(set-logic QF_LRA)
(declare-fun c () Bool)
(declare-fun x () Real)
(assert (not (= x (/ (ite c 2 6) 2))))
(assert (>= x 1.0))
(assert (<= x (/ (ite c 3 1) 1)))
(check-sat)
