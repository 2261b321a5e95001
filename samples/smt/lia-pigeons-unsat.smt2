; LIA: 4 pairwise distinct integers in [1, 3]: branches and disequality sides
; samples/smt/generate.py
(set-logic QF_LIA)
(declare-const p1 Int) (declare-const p2 Int) (declare-const p3 Int) (declare-const p4 Int)
(assert (and (<= 1 p1 3) (<= 1 p2 3) (<= 1 p3 3) (<= 1 p4 3)))
(assert (distinct p1 p2 p3 p4))
