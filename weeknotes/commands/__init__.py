"""The command line: argument parsing, one function per verb, what a command reports to its
user, `check`'s formats and explanations, what `new` writes and where (new_post.py),
`init`'s repository templates and the times of its scheduled jobs (schedules.py), and
`send`'s delivery."""
