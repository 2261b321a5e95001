(set-logic QF_SLIA)
(declare-const s String)
(assert (> (str.indexof s "a" 0) 3))
