; EXPECT: unsat
; issue 21: check-sat-assuming of a Boolean term (not only symbols), as converted SMT-LIB 1 files write it
(set-logic QF_LRA)
(declare-fun x () Real)
(declare-fun y () Real)
(assert (< x y))
(check-sat-assuming ((and (> x 1.0) (or (< y 0.0) (= y (- x 1.0))))))
