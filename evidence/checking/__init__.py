"""`proofgate check` and `demo` without the command line around them: one check's answer, the samples' answers."""
