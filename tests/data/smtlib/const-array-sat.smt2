; EXPECT: sat
; issue 21: a constant array of a declared sort's elements, and an array that differs from it
(set-logic QF_AX)
(declare-sort E 0)
(declare-const e E)
(declare-const f E)
(declare-const a (Array E E))
(declare-const k E)
(assert (not (= e f)))
(assert (not (= a ((as const (Array E E)) e))))
(assert (= (select a k) e))
(check-sat)
