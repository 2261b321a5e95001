(set-logic QF_SLIA)
(declare-const s String)
(assert (> (str.len s) 3))
