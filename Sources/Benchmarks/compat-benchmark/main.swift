print("compat-benchmark: not written yet")
