"""The errors a user can cause (a missing run, a bad config, an unsafe bundle): exit code 2, one line."""


class UserError(Exception):
    """Reported as `proofgate: error: MESSAGE` with exit code 2, never as a traceback."""
