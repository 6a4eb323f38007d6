"""The assessment service: training sessions (seed 002), quiz attempts, exercise reviews, maturity assessments."""
