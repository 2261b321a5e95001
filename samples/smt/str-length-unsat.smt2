; strings: an IAM user ARN of a 12-digit account and a non-empty name is at least 32 long
; samples/smt/generate.py
(set-logic QF_SLIA)
(declare-const account String) (declare-const name String) (declare-const arn String)
(assert (str.in_re account ((_ re.^ 12) (re.range "0" "9"))))
(assert (str.in_re name (re.+ (re.union (re.range "a" "z") (str.to_re "-")))))
(assert (= arn (str.++ "arn:aws:iam::" account ":user/" name)))
(assert (< (str.len arn) 32))
