; EXPECT: unsat
; issue 21: functions of Bool arguments; three Booleans cannot be pairwise different
(set-logic QF_UF)
(declare-fun f (Bool) Bool)
(declare-fun g (Bool Bool) Bool)
(declare-fun a () Bool)
(declare-fun b () Bool)
(declare-fun c () Bool)
(assert (not (= (f a) (f b))))
(assert (not (= (g b true) (g c true))))
(assert (distinct (f c) (f a)))
(check-sat)
