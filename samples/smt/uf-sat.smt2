; EUF: a function, a predicate and two distinct values
; samples/smt/generate.py
(set-logic QF_UF)
(declare-sort U 0)
(declare-fun f (U) U)
(declare-fun P (U) Bool)
(declare-const a U) (declare-const b U) (declare-const flag Bool)
(assert (not (= a b)))
(assert (= (f a) b))
(assert (=> flag (P a)))
(assert (and flag (not (P b))))
