"""The driver only: pipeline loading, preflight, kernels, render workers, publish, freshness,
lock, run log, the exit code, and `--period latest`. It runs the stage notebooks and does no
stage work itself."""
