; strings: an S3 bucket name (3 to 63 of a-z, 0-9, . and -, starting and ending with a letter or digit) that is no IP address and holds no '..'
; samples/smt/generate.py
(set-logic QF_SLIA)
(declare-const bucket String)
(assert (str.in_re bucket (re.++ (re.union (re.range "a" "z") (re.range "0" "9"))
                                 ((_ re.loop 1 61) (re.union (re.range "a" "z") (re.range "0" "9") (str.to_re ".")
                                                             (str.to_re "-")))
                                 (re.union (re.range "a" "z") (re.range "0" "9")))))
(assert (not (str.in_re bucket (re.++ (re.+ (re.range "0" "9")) (str.to_re ".") (re.+ (re.range "0" "9"))
                                      (str.to_re ".") (re.+ (re.range "0" "9")) (str.to_re ".")
                                      (re.+ (re.range "0" "9"))))))
(assert (not (str.contains bucket "..")))
(assert (str.prefixof "logs" bucket))
(assert (>= (str.len bucket) 8))
