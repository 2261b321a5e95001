; LIA: 0 < 3x - 2y < 2 and x + y = 4: only x = 9/5 (branch and bound)
; samples/smt/generate.py
(set-logic QF_LIA)
(declare-const x Int) (declare-const y Int)
(assert (< 0 (- (* 3 x) (* 2 y)) 2))
(assert (<= 0 x 5))
(assert (<= 0 y 5))
(assert (= (+ x y) 4))
