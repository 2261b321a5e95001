; LRA: x1 < x2 < ... < x6, and x6 <= x1 or x6 + 1/2 <= x1
; samples/smt/generate.py
(set-logic QF_LRA)
(declare-const x1 Real) (declare-const x2 Real) (declare-const x3 Real)
(declare-const x4 Real) (declare-const x5 Real) (declare-const x6 Real)
(assert (< x1 x2 x3 x4 x5 x6))
(assert (or (<= x6 x1) (<= (+ x6 (/ 1 2)) x1)))
