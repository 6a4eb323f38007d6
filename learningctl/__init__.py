"""learningctl: the command line of the learning services (witness, auditor bundle; `learningctl --help`)."""
