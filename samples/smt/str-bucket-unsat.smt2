; strings: a resource in arn:aws:s3:::bucket/* is never outside arn:aws:s3:::*
; samples/smt/generate.py
(set-logic QF_S)
(declare-const resource String) (declare-const copy String)
(assert (str.in_re resource (re.++ (str.to_re "arn:aws:s3:::bucket/") (re.* re.allchar))))
(assert (= resource copy))
(assert (not (str.in_re copy (re.++ (str.to_re "arn:aws:s3:::") (re.* re.allchar)))))
