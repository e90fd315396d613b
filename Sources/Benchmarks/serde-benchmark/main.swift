print("serde-benchmark: not written yet")
