; mixed: an allow rule (action glob, bucket glob, port range) against a deny rule that covers it
; samples/smt/generate.py
(set-logic ALL)
(declare-const action String) (declare-const resource String) (declare-const port Int)
(declare-const tls Bool)
(define-fun allow () Bool (and (str.in_re action (re.++ (str.to_re "s3:Get") (re.* re.allchar)))
                               (str.in_re resource (re.++ (str.to_re "arn:aws:s3:::bucket/") (re.* re.allchar)))
                               (<= 443 port 443) tls))
(define-fun deny () Bool (or (not tls) (> port 1023) (< port 444)
                             (not (str.in_re action (re.++ (str.to_re "s3:") (re.* re.allchar))))))
(assert allow)
(assert (not deny))
