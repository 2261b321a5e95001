; LIA: 2x = y and y = 2z + 1 (y even and odd): a cut
; samples/smt/generate.py
(set-logic QF_LIA)
(declare-const x Int) (declare-const y Int) (declare-const z Int)
(assert (= (* 2 x) y))
(assert (= y (+ (* 2 z) 1)))
