; strings: prefix logs/, suffix .gz, not under logs/*.gz, not logs/a.gz: a closed set
; samples/smt/generate.py
(set-logic QF_S)
(declare-const key String)
(assert (str.in_re key (re.++ (str.to_re "logs/") (re.* re.allchar))))
(assert (str.in_re key (re.++ (re.* re.allchar) (str.to_re ".gz"))))
(assert (not (str.in_re key (re.++ (str.to_re "logs/") (re.* re.allchar) (str.to_re ".gz")))))
