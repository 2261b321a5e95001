"""Access-policy and network semantics for compliance controls: a loader that refuses bad input by
file and element path, a concrete evaluator that decides requests and packets as AWS documents it, a
versioned control catalog, and an untrusted search for counterexamples. PASS verdicts never come from
here: only from kernel-checked certificates."""
