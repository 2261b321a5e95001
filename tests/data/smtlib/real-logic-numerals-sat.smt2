; EXPECT: sat
; QF_UFLRA (as cvc5's converted SMT-LIB v1 files write it): in a logic of Reals alone every numeral is a
; Real, so 6, (- 6) and the Int-looking (ite ... 1 0) sums below are Real terms beside the Real v0.
(set-logic QF_UFLRA)
(declare-fun p0 (Real Real) Bool)
(declare-fun v0 () Real)
(assert (let ((s (+ (- 6) (ite (p0 (- 6) 6.0) 1 0))))
  (and (p0 (ite (distinct 6 (ite (p0 7.0 6.0) 1 0)) (ite (<= (ite (p0 v0 6.0) 1 0) (- 6)) 6 s) v0) 6.0)
       (< (- v0) (/ s 2)) (p0 v0 (ite (p0 v0 v0) 1 0)))))
(check-sat)
