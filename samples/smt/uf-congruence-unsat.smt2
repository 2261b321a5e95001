; EUF: a = b or a = c, yet f(a) differs from f(b) and from f(c)
; samples/smt/generate.py
(set-logic QF_UF)
(declare-sort U 0)
(declare-fun f (U) U)
(declare-const a U) (declare-const b U) (declare-const c U)
(assert (or (= a b) (= a c)))
(assert (distinct (f a) (f b)))
(assert (not (= (f a) (f c))))
