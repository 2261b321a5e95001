; EXPECT: unsat
; issue 21: an Int term under / is a Real term ((/ t 2), as converted files write it); lemmas' atoms
; mix it with Real variables, written (/ t 1)
(set-logic QF_LRA)
(declare-fun c () Bool)
(declare-fun x () Real)
(assert (not (= x (/ (ite c 2 6) 2))))
(assert (>= x 1.0))
(assert (<= (* 2 x) (/ (ite c 2 (- 1)) 1)))
(check-sat)
