; mixed: Boolean structure over an integer, a real, a string and a predicate
; samples/smt/generate.py
(set-logic ALL)
(declare-sort Role 0)
(declare-const admin Role) (declare-const user Role)
(declare-fun may (Role) Bool)
(declare-const n Int) (declare-const r Real) (declare-const path String)
(assert (not (= admin user)))
(assert (ite (may user) (> n 3) (< r (/ 1 2))))
(assert (xor (may admin) (may user)))
(assert (=> (may admin) (str.in_re path (re.++ (str.to_re "/admin/") (re.* re.allchar)))))
(assert (or (= (* 2 r) 2.5) (not (str.in_re path (re.++ (re.* re.allchar) (str.to_re ".html"))))))
