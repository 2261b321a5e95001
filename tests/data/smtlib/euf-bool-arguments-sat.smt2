; EXPECT: sat
; issue 21: functions of Bool arguments (constants and predicates) whose values differ
(set-logic QF_UF)
(declare-sort U 0)
(declare-fun h (Bool) U)
(declare-fun p (U) Bool)
(declare-fun x () Bool)
(declare-fun y () Bool)
(declare-fun u () U)
(assert (not (= (h x) (h y))))
(assert (= (h (p u)) u))
(assert (p (h false)))
(check-sat)
