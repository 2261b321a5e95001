"""From inputs to stored results: jobs, the workers that run them, and the stages of `prove` and `run`."""
