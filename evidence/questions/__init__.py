"""Direct questions about policies and networks (`proofgate policy ...`, `proofgate network ...`), each answer
with its proof or its witness checked by the kernel."""
