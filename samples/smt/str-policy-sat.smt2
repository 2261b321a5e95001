; strings: a key under logs/ ending .gz, outside logs/private/, and a second distinct key
; samples/smt/generate.py
(set-logic QF_S)
(declare-const key String) (declare-const other String)
(assert (str.in_re key (re.++ (str.to_re "logs/") (re.* re.allchar) (str.to_re ".gz"))))
(assert (not (str.in_re key (re.++ (str.to_re "logs/private/") (re.* re.allchar)))))
(assert (str.in_re other (re.++ (str.to_re "logs/") re.allchar re.allchar)))
(assert (distinct key other "logs/ab"))
