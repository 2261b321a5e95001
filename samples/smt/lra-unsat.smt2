; x + y < 1, x > 1 and y >= 0 have no common solution over the reals
(set-logic QF_LRA)
(declare-const x Real)
(declare-const y Real)
(assert (< (+ x y) 1))
(assert (> x 1))
(assert (>= y 0))
(check-sat)
