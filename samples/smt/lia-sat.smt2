; LIA: ports and counters with a disequality
; samples/smt/generate.py
(set-logic QF_LIA)
(declare-const port Int) (declare-const low Int) (declare-const high Int)
(assert (and (<= 1024 low) (< low high) (<= high 65535)))
(assert (<= low port high))
(assert (distinct port 8080))
(assert (= (+ low 10) high))
