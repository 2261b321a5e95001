; EXPECT: unsat
; issue 21: constant arrays ((as const (Array S T)) v) in a problem, as cvc5 and z3 read them
(set-logic QF_ALIA)
(declare-const a (Array Int Int))
(declare-const b (Array Int Int))
(declare-const i Int)
(declare-const j Int)
(assert (= a ((as const (Array Int Int)) 5)))
(assert (= b (store a i 7)))
(assert (not (= i j)))
(assert (or (< (select b j) 5) (> (select b j) (+ (select a i) 1))))
(check-sat)
