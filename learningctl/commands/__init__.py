"""One module per learningctl command (or pair of related commands); learningctl/main.py registers them."""
