; EXPECT: sat
; issue 21: define-sort without parameters; a model over the sorts it names
(set-logic QF_UFLRA)
(define-sort R () Real)
(declare-fun g (R) R)
(declare-fun y () R)
(assert (> (g y) (+ y 1.5)))
(check-sat)
