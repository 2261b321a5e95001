; LRA: 2x + 3y = 6, x - y = 1/2, and yet x differs from 3/2
; samples/smt/generate.py
(set-logic QF_LRA)
(declare-const x Real) (declare-const y Real)
(assert (= (+ (* 2 x) (* 3 y)) 6))
(assert (= (- x y) 0.5))
(assert (distinct x 1.5))
