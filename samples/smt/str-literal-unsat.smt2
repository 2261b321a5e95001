; strings: one literal ARN, two buckets' globs, neither matches
; samples/smt/generate.py
(set-logic QF_S)
(declare-const resource String)
(assert (= resource "arn:aws:s3:::bucket/report.csv"))
(assert (or (str.in_re resource (re.++ (str.to_re "arn:aws:s3:::other/") (re.* re.allchar)))
            (str.in_re resource (re.++ (str.to_re "arn:aws:s3:::bucket/") (re.* re.allchar) (str.to_re ".txt")))))
