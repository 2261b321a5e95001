; EUF: f(f(f(a))) = a and f(f(a)) = a force f(a) = a
; samples/smt/generate.py
(set-logic QF_UF)
(declare-sort U 0)
(declare-fun f (U) U)
(declare-fun P (U) Bool)
(declare-const a U)
(assert (= (f (f (f a))) a))
(assert (= (f (f a)) a))
(assert (P a))
(assert (not (P (f a))))
