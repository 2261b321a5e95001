; LRA: a strict triangle with rational corners
; samples/smt/generate.py
(set-logic QF_LRA)
(declare-const x Real) (declare-const y Real)
(assert (> (+ (* 3 x) (* 2 y)) 1))
(assert (< (- x y) (/ 1 3)))
(assert (or (< (+ x y) 0) (> y 2)))
(assert (not (= x y)))
