; strings: the caller and the owner are both the account's root ARN, yet differ
; samples/smt/generate.py
(set-logic QF_S)
(declare-const caller String) (declare-const owner String)
(assert (str.in_re owner (re.++ (str.to_re "arn:aws:iam::111122223333:") (re.* re.allchar))))
(assert (or (= caller "arn:aws:iam::111122223333:root") (= caller "arn:aws:iam::444455556666:root")))
(assert (not (str.in_re caller (re.++ (str.to_re "arn:aws:iam::444455556666:") (re.* re.allchar)))))
(assert (= owner "arn:aws:iam::111122223333:root"))
(assert (not (= caller owner)))
