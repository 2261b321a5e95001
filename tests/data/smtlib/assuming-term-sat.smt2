; EXPECT: sat
; issue 21: the assumption is a term; a model must satisfy it as well as the assertions
(set-logic QF_LRA)
(declare-fun x () Real)
(declare-fun y () Real)
(assert (< x y))
(check-sat-assuming ((and (> x 1.0) (< y 5.0)) (not (= y 2.0))))
